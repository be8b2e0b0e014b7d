-- The inbox filters in SQL: each task carries its item's payer (kept in
-- step with the item's data by the store) and who changed it last (for
-- conflict messages). Existing tasks get their item's payer here: a coding
-- hold's primary_payer, else a claim edit's payer, as
-- orchestrator.ItemPayer reads them.

-- +goose Up
ALTER TABLE human_tasks ADD COLUMN payer      TEXT NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
UPDATE human_tasks SET payer = coalesce((
    SELECT CASE
        WHEN json_type(w.data, '$.primary_payer') = 'text' AND json_extract(w.data, '$.primary_payer') <> ''
            THEN json_extract(w.data, '$.primary_payer')
        WHEN json_type(w.data, '$.payer') = 'text' THEN json_extract(w.data, '$.payer')
        ELSE '' END
    FROM work_items w WHERE w.id = human_tasks.item_id AND json_valid(w.data)), '')
WHERE item_id <> 0;
-- Every payer a task has carried, one row each (never removed: a payer
-- no task carries any more matches nothing). The payer filter matches these
-- few names, then lists the matching ones by equality.
CREATE TABLE task_payers (payer TEXT PRIMARY KEY);
INSERT INTO task_payers (payer) SELECT DISTINCT payer FROM human_tasks WHERE payer <> '';
-- The inbox: one index per order of the open tasks, each ending with every
-- column a filter reads, so a page and its count are read from the index
-- alone (the store names the index: SQLite's planner cannot tell a
-- selective filter from a broad one) and only the page's rows are fetched.
-- The deadline is coalesce(due_at, '9999'): no deadline sorts last, and
-- filters on the deadline use the same expression.
DROP INDEX human_tasks_open_queue;
DROP INDEX human_tasks_open_priority;
DROP INDEX human_tasks_open_due;
DROP INDEX human_tasks_open_assignee;
CREATE INDEX human_tasks_open_queue ON human_tasks (queue, priority_rank DESC, coalesce(due_at, '9999'), id,
    status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_priority ON human_tasks (priority_rank DESC, coalesce(due_at, '9999'), id,
    queue, status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_due ON human_tasks (coalesce(due_at, '9999'), id,
    queue, priority_rank, status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_id ON human_tasks (id, coalesce(due_at, '9999'),
    queue, priority_rank, status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_assignee ON human_tasks (assignee, priority_rank DESC, coalesce(due_at, '9999'), id,
    queue, status, sla_state, reason, payer, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed' AND assignee <> '';
-- A reason or payer filter (and a queue with it) that matches few tasks
-- reads them through its own index (the store probes how many match
-- first), and counts read only the matching range.
CREATE INDEX human_tasks_open_reason ON human_tasks (reason, queue, priority_rank DESC, coalesce(due_at, '9999'), id,
    status, sla_state, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_payer ON human_tasks (payer, queue, priority_rank DESC, coalesce(due_at, '9999'), id,
    status, sla_state, reason, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';

-- +goose Down
DROP INDEX human_tasks_open_payer;
DROP INDEX human_tasks_open_reason;
DROP INDEX human_tasks_open_assignee;
DROP INDEX human_tasks_open_id;
DROP INDEX human_tasks_open_due;
DROP INDEX human_tasks_open_priority;
DROP INDEX human_tasks_open_queue;
CREATE INDEX human_tasks_open_queue ON human_tasks (queue, priority_rank DESC, coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_priority ON human_tasks (priority_rank DESC, coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_due ON human_tasks (coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_assignee ON human_tasks (assignee, priority_rank DESC, coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed' AND assignee <> '';
DROP TABLE task_payers;
ALTER TABLE human_tasks DROP COLUMN updated_by;
ALTER TABLE human_tasks DROP COLUMN payer;
