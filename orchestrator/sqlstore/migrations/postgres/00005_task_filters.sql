-- The inbox filters in SQL: each task carries its item's payer (kept in
-- step with the item's data by the store) and who changed it last (for
-- conflict messages). Existing tasks get their item's payer here: a coding
-- hold's primary_payer, else a claim edit's payer, as
-- orchestrator.ItemPayer reads them. Data holding a \u0000 escape (which
-- jsonb refuses) is skipped; the item's next change fills its tasks' payer.

-- +goose Up
ALTER TABLE human_tasks ADD COLUMN payer      TEXT NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
WITH j AS MATERIALIZED ( -- the fence keeps the cast off the skipped rows
    SELECT id, data FROM work_items
    WHERE id IN (SELECT item_id FROM human_tasks) AND strpos(data, '\u0000') = 0
), p AS (
    SELECT id, CASE
        WHEN jsonb_typeof(data::jsonb -> 'primary_payer') = 'string' AND data::jsonb ->> 'primary_payer' <> ''
            THEN data::jsonb ->> 'primary_payer'
        WHEN jsonb_typeof(data::jsonb -> 'payer') = 'string' THEN data::jsonb ->> 'payer'
        ELSE '' END AS payer
    FROM j
)
UPDATE human_tasks t SET payer = p.payer FROM p WHERE t.item_id = p.id AND p.payer <> '';
-- Every payer a task has carried, one row each (never removed: a payer
-- no task carries any more matches nothing). The payer filter matches these
-- few names, then lists the matching ones by equality.
CREATE TABLE task_payers (payer TEXT PRIMARY KEY);
INSERT INTO task_payers (payer) SELECT DISTINCT payer FROM human_tasks WHERE payer <> '';
-- The inbox: one index per order of the open tasks, each including every
-- column a filter reads, so a page's ids and its count come from
-- index-only scans and only the page's rows are fetched.
DROP INDEX human_tasks_open_queue;
DROP INDEX human_tasks_open_priority;
DROP INDEX human_tasks_open_due;
DROP INDEX human_tasks_open_assignee;
CREATE INDEX human_tasks_open_queue ON human_tasks (queue, priority_rank DESC, due_at, id)
    INCLUDE (status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_priority ON human_tasks (priority_rank DESC, due_at, id)
    INCLUDE (queue, status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_due ON human_tasks (due_at, id)
    INCLUDE (queue, priority_rank, status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
-- Open tasks by id, on -id: only this index serves ORDER BY -id, so the
-- planner cannot pick the primary key and walk every completed task (they
-- sit among the oldest ids, which its statistics cannot tell).
CREATE INDEX human_tasks_open_id ON human_tasks ((-id))
    INCLUDE (id, due_at, queue, priority_rank, status, sla_state, reason, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_assignee ON human_tasks (assignee, priority_rank DESC, due_at, id)
    INCLUDE (queue, status, sla_state, reason, payer, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed' AND assignee <> '';
-- A reason or payer filter (and a queue with it) that matches few tasks
-- reads them through its own index, and counts read only the matching
-- range.
CREATE INDEX human_tasks_open_reason ON human_tasks (reason, queue, priority_rank DESC, due_at, id)
    INCLUDE (status, sla_state, payer, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_payer ON human_tasks (payer, queue, priority_rank DESC, due_at, id)
    INCLUDE (status, sla_state, reason, assignee, created_at, at_risk_at, item_ref, item_key) WHERE status <> 'completed';

-- +goose Down
DROP INDEX human_tasks_open_payer;
DROP INDEX human_tasks_open_reason;
DROP INDEX human_tasks_open_assignee;
DROP INDEX human_tasks_open_id;
DROP INDEX human_tasks_open_due;
DROP INDEX human_tasks_open_priority;
DROP INDEX human_tasks_open_queue;
CREATE INDEX human_tasks_open_queue ON human_tasks (queue, priority_rank DESC, due_at, id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_priority ON human_tasks (priority_rank DESC, due_at, id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_due ON human_tasks (due_at, id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_assignee ON human_tasks (assignee, priority_rank DESC, due_at, id, item_ref) WHERE status <> 'completed' AND assignee <> '';
DROP TABLE task_payers;
ALTER TABLE human_tasks DROP COLUMN updated_by;
ALTER TABLE human_tasks DROP COLUMN payer;
