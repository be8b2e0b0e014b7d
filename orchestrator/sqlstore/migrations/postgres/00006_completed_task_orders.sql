-- Listings of completed tasks, which accumulate for as long as the store
-- lives: one index per order, partial on completed tasks and including
-- every column a filter of completed tasks reads, as the open-task indexes
-- of 00005 do, so a page's ids and its count come from index-only scans.
-- The id index keeps a newest-first listing from walking the primary key
-- through the open tasks, which hold the newest ids.

-- +goose Up
CREATE INDEX human_tasks_done_priority ON human_tasks (priority_rank DESC, due_at, id)
    INCLUDE (queue, sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';
CREATE INDEX human_tasks_done_queue ON human_tasks (queue, priority_rank DESC, due_at, id)
    INCLUDE (sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';
CREATE INDEX human_tasks_done_due ON human_tasks (due_at, id)
    INCLUDE (queue, priority_rank, sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';
CREATE INDEX human_tasks_done_id ON human_tasks (id)
    INCLUDE (due_at, queue, priority_rank, sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';

-- +goose Down
DROP INDEX human_tasks_done_id;
DROP INDEX human_tasks_done_due;
DROP INDEX human_tasks_done_queue;
DROP INDEX human_tasks_done_priority;
