-- Listings of completed tasks, which accumulate for as long as the store
-- lives: one index per order, partial on completed tasks and ending with
-- every column a filter of completed tasks reads, as the open-task indexes
-- of 00005 do, so a page and its count come from the index alone. The
-- store names the index (status filter 'completed').

-- +goose Up
CREATE INDEX human_tasks_done_priority ON human_tasks (priority_rank DESC, coalesce(due_at, '9999'), id,
    queue, sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';
CREATE INDEX human_tasks_done_queue ON human_tasks (queue, priority_rank DESC, coalesce(due_at, '9999'), id,
    sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';
CREATE INDEX human_tasks_done_due ON human_tasks (coalesce(due_at, '9999'), id,
    queue, priority_rank, sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';
CREATE INDEX human_tasks_done_id ON human_tasks (id, coalesce(due_at, '9999'),
    queue, priority_rank, sla_state, reason, payer, assignee, created_at, item_ref, item_key) WHERE status = 'completed';

-- +goose Down
DROP INDEX human_tasks_done_id;
DROP INDEX human_tasks_done_due;
DROP INDEX human_tasks_done_queue;
DROP INDEX human_tasks_done_priority;
