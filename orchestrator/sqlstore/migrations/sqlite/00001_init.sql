-- Docket's system of record. Times are fixed-width UTC text
-- (2006-01-02T15:04:05.000000Z) so they sort as times; durations are
-- nanoseconds.

-- +goose Up
CREATE TABLE bots (
    name           TEXT PRIMARY KEY,
    kind           TEXT    NOT NULL,
    portal         TEXT    NOT NULL,
    schedule       TEXT    NOT NULL DEFAULT '',
    timezone       TEXT    NOT NULL DEFAULT '',
    max_retry      INTEGER NOT NULL DEFAULT 0,
    timeout_ns     INTEGER NOT NULL,
    retry_delay_ns INTEGER NOT NULL DEFAULT 0,
    enabled        INTEGER NOT NULL DEFAULT 1
);

-- Runs keep their bot's name without a foreign key: a bot removed from
-- configuration must not take its run history with it.
CREATE TABLE bot_runs (
    id            TEXT PRIMARY KEY,
    bot           TEXT    NOT NULL,
    slot          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    worker        TEXT    NOT NULL DEFAULT '',
    pages         INTEGER NOT NULL DEFAULT 0,
    records       INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    screenshots   INTEGER NOT NULL DEFAULT 0,
    created_base  INTEGER NOT NULL DEFAULT 0,
    updated_base  INTEGER NOT NULL DEFAULT 0,
    error         TEXT    NOT NULL DEFAULT '',
    queued_at     TEXT    NOT NULL,
    started_at    TEXT,
    finished_at   TEXT
);
CREATE INDEX bot_runs_bot_queued ON bot_runs (bot, queued_at);
CREATE INDEX bot_runs_queued ON bot_runs (queued_at);

-- data is TEXT, not a JSON type, because data_hash is over its exact bytes.
CREATE TABLE work_items (
    id           INTEGER PRIMARY KEY,
    queue        TEXT    NOT NULL,
    portal       TEXT    NOT NULL,
    external_id  TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    data_hash    TEXT    NOT NULL,
    evidence_id  INTEGER NOT NULL DEFAULT 0,
    first_run_id TEXT    NOT NULL DEFAULT '',
    last_run_id  TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (portal, external_id)
);
CREATE INDEX work_items_queue_status ON work_items (queue, status);

CREATE TABLE item_history (
    id        INTEGER PRIMARY KEY,
    item_id   INTEGER NOT NULL REFERENCES work_items (id),
    at        TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    reason    TEXT    NOT NULL DEFAULT '',
    changes   TEXT    NOT NULL DEFAULT '[]',
    data_hash TEXT    NOT NULL
);
CREATE INDEX item_history_item ON item_history (item_id, id);

-- item_id 0 means the task is not about a work item (a bot failure).
-- At most one open task per item and reason.
CREATE TABLE human_tasks (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL DEFAULT 0,
    queue      TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    assignee   TEXT    NOT NULL DEFAULT '',
    outcome    TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    due_at     TEXT,
    updated_at TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX human_tasks_open ON human_tasks (item_id, reason) WHERE status <> 'completed';
CREATE INDEX human_tasks_queue_status ON human_tasks (queue, status);

-- id is assigned by the store, not the database, because it is hashed.
CREATE TABLE evidence (
    id               INTEGER PRIMARY KEY,
    sha256           TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    media_type       TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    url              TEXT    NOT NULL,
    bot              TEXT    NOT NULL,
    run_id           TEXT    NOT NULL,
    item_ref         TEXT    NOT NULL,
    selector_version TEXT    NOT NULL,
    captured_at      TEXT    NOT NULL,
    prev_hash        TEXT    NOT NULL,
    hash             TEXT    NOT NULL,
    UNIQUE (run_id, sha256, url)
);

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The chained and historical tables are append-only; the hash chain shows
-- tampering, these triggers stop the accidental kind.
-- +goose StatementBegin
CREATE TRIGGER item_history_append_only_update BEFORE UPDATE ON item_history
BEGIN SELECT RAISE(ABORT, 'item_history is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER item_history_append_only_delete BEFORE DELETE ON item_history
BEGIN SELECT RAISE(ABORT, 'item_history is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_append_only_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_append_only_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE evidence;
DROP TABLE human_tasks;
DROP TABLE item_history;
DROP TABLE work_items;
DROP TABLE bot_runs;
DROP TABLE bots;
