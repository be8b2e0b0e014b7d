-- Work item lifecycle (failure kind, review, priority, reference,
-- deferral, deadline, retries, lease), human task workflow (priority, SLA
-- clock, escalation, assignment, resolution, write-back), task comments
-- and round-robin counters. priority_rank orders priorities (low 1 …
-- critical 4) so lists sort by it with an index.

-- +goose Up
ALTER TABLE work_items ADD COLUMN failure       TEXT    NOT NULL DEFAULT '';
ALTER TABLE work_items ADD COLUMN status_reason TEXT    NOT NULL DEFAULT '';
ALTER TABLE work_items ADD COLUMN review        TEXT    NOT NULL DEFAULT 'none';
ALTER TABLE work_items ADD COLUMN priority      TEXT    NOT NULL DEFAULT 'normal';
ALTER TABLE work_items ADD COLUMN priority_rank INTEGER NOT NULL DEFAULT 2;
ALTER TABLE work_items ADD COLUMN reference     TEXT    NOT NULL DEFAULT '';
ALTER TABLE work_items ADD COLUMN defer_until   TEXT;
ALTER TABLE work_items ADD COLUMN due_at        TEXT;
ALTER TABLE work_items ADD COLUMN retry_count   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE work_items ADD COLUMN lease_owner   TEXT    NOT NULL DEFAULT '';
ALTER TABLE work_items ADD COLUMN lease_until   TEXT;
CREATE UNIQUE INDEX work_items_queue_reference ON work_items (queue, reference) WHERE reference <> '';
-- (queue, status, id) serves everything (queue, status) did, and keyset
-- pages too; one index fewer to maintain on every insert.
DROP INDEX work_items_queue_status;
CREATE INDEX work_items_queue_status_id ON work_items (queue, status, id);
CREATE INDEX work_items_external_id ON work_items (external_id);
CREATE INDEX work_items_reference ON work_items (reference) WHERE reference <> '';
CREATE INDEX work_items_lease ON work_items (lease_until) WHERE status = 'in_progress';
CREATE INDEX work_items_due ON work_items (due_at) WHERE status IN ('new', 'in_progress') AND due_at IS NOT NULL;

ALTER TABLE human_tasks ADD COLUMN priority         TEXT    NOT NULL DEFAULT 'normal';
ALTER TABLE human_tasks ADD COLUMN priority_rank    INTEGER NOT NULL DEFAULT 2;
ALTER TABLE human_tasks ADD COLUMN item_ref         TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN item_key         TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN item_data_hash   TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN detail           TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN clock_start      TEXT;
ALTER TABLE human_tasks ADD COLUMN at_risk_at       TEXT;
ALTER TABLE human_tasks ADD COLUMN sla_state        TEXT    NOT NULL DEFAULT 'on_track';
ALTER TABLE human_tasks ADD COLUMN escalation       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE human_tasks ADD COLUMN escalated_to     TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN escalate_at      TEXT;
ALTER TABLE human_tasks ADD COLUMN assigned_at      TEXT;
ALTER TABLE human_tasks ADD COLUMN assigned_by      TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN completed_at     TEXT;
ALTER TABLE human_tasks ADD COLUMN completed_by     TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN resolution       TEXT    NOT NULL DEFAULT '';
ALTER TABLE human_tasks ADD COLUMN writeback_run_id TEXT    NOT NULL DEFAULT '';
-- The inbox: open tasks of a queue by priority, then deadline.
-- coalesce puts tasks without a deadline last, as NULLS LAST does on
-- PostgreSQL. item_ref ends each index so a reference search filters
-- index entries without reading rows.
CREATE INDEX human_tasks_open_queue ON human_tasks (queue, priority_rank DESC, coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_priority ON human_tasks (priority_rank DESC, coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_due ON human_tasks (coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_assignee ON human_tasks (assignee, priority_rank DESC, coalesce(due_at, '9999'), id, item_ref) WHERE status <> 'completed' AND assignee <> '';
CREATE INDEX human_tasks_assignee ON human_tasks (assignee, status) WHERE assignee <> '';
-- Search: prefix ranges on the reference and the external id of open tasks.
CREATE INDEX human_tasks_open_ref ON human_tasks (item_ref) WHERE status <> 'completed';
CREATE INDEX human_tasks_open_key ON human_tasks (item_key) WHERE status <> 'completed';
CREATE INDEX human_tasks_item ON human_tasks (item_id);
-- The SLA sweep: open tasks by the next mark on their clock.
CREATE INDEX human_tasks_sla_risk ON human_tasks (at_risk_at) WHERE status <> 'completed' AND sla_state = 'on_track';
CREATE INDEX human_tasks_sla_due ON human_tasks (due_at) WHERE status <> 'completed' AND sla_state <> 'breached';
CREATE INDEX human_tasks_escalate ON human_tasks (escalate_at) WHERE status <> 'completed' AND escalate_at IS NOT NULL;

CREATE TABLE task_comments (
    id      INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES human_tasks (id),
    author  TEXT    NOT NULL,
    body    TEXT    NOT NULL,
    at      TEXT    NOT NULL
);
CREATE INDEX task_comments_task ON task_comments (task_id, id);

CREATE TABLE turn_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE INDEX audit_log_subject ON audit_log (subject, seq);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX evidence_item_ref ON evidence (item_ref);
CREATE INDEX evidence_run ON evidence (run_id, id);
CREATE INDEX evidence_captured ON evidence (captured_at);

-- +goose StatementBegin
CREATE TRIGGER task_comments_append_only_update BEFORE UPDATE ON task_comments
BEGIN SELECT RAISE(ABORT, 'task_comments is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER task_comments_append_only_delete BEFORE DELETE ON task_comments
BEGIN SELECT RAISE(ABORT, 'task_comments is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE turn_counters;
DROP TABLE task_comments;
DROP INDEX evidence_captured;
DROP INDEX evidence_run;
DROP INDEX evidence_item_ref;
DROP INDEX audit_log_at;
DROP INDEX audit_log_subject;
DROP INDEX human_tasks_escalate;
DROP INDEX human_tasks_sla_due;
DROP INDEX human_tasks_sla_risk;
DROP INDEX human_tasks_item;
DROP INDEX human_tasks_open_key;
DROP INDEX human_tasks_open_ref;
DROP INDEX human_tasks_assignee;
DROP INDEX human_tasks_open_assignee;
DROP INDEX human_tasks_open_due;
DROP INDEX human_tasks_open_priority;
DROP INDEX human_tasks_open_queue;
ALTER TABLE human_tasks DROP COLUMN writeback_run_id;
ALTER TABLE human_tasks DROP COLUMN resolution;
ALTER TABLE human_tasks DROP COLUMN completed_by;
ALTER TABLE human_tasks DROP COLUMN completed_at;
ALTER TABLE human_tasks DROP COLUMN assigned_by;
ALTER TABLE human_tasks DROP COLUMN assigned_at;
ALTER TABLE human_tasks DROP COLUMN escalate_at;
ALTER TABLE human_tasks DROP COLUMN escalated_to;
ALTER TABLE human_tasks DROP COLUMN escalation;
ALTER TABLE human_tasks DROP COLUMN sla_state;
ALTER TABLE human_tasks DROP COLUMN at_risk_at;
ALTER TABLE human_tasks DROP COLUMN clock_start;
ALTER TABLE human_tasks DROP COLUMN detail;
ALTER TABLE human_tasks DROP COLUMN item_data_hash;
ALTER TABLE human_tasks DROP COLUMN item_key;
ALTER TABLE human_tasks DROP COLUMN item_ref;
ALTER TABLE human_tasks DROP COLUMN priority_rank;
ALTER TABLE human_tasks DROP COLUMN priority;
DROP INDEX work_items_due;
DROP INDEX work_items_lease;
DROP INDEX work_items_reference;
DROP INDEX work_items_external_id;
DROP INDEX work_items_queue_status_id;
CREATE INDEX work_items_queue_status ON work_items (queue, status);
DROP INDEX work_items_queue_reference;
ALTER TABLE work_items DROP COLUMN lease_until;
ALTER TABLE work_items DROP COLUMN lease_owner;
ALTER TABLE work_items DROP COLUMN retry_count;
ALTER TABLE work_items DROP COLUMN due_at;
ALTER TABLE work_items DROP COLUMN defer_until;
ALTER TABLE work_items DROP COLUMN reference;
ALTER TABLE work_items DROP COLUMN priority_rank;
ALTER TABLE work_items DROP COLUMN priority;
ALTER TABLE work_items DROP COLUMN review;
ALTER TABLE work_items DROP COLUMN status_reason;
ALTER TABLE work_items DROP COLUMN failure;
