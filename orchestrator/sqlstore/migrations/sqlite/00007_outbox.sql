-- The transactional outbox: a job the queue must run is written in the same
-- transaction as the change that asks for it (a resolution's write-back, a
-- "run now"), and a dispatcher enqueues it afterwards and marks it sent. The
-- key is the job's deterministic id, so writing it twice keeps one row and
-- enqueueing it twice is refused by the queue. next_at is when a dispatcher
-- may next try it: a claim moves it forward (the lease), a failed enqueue
-- moves it by the backoff.
--
-- A task's action_error says, in words, why the action its resolution
-- asked for failed for good; '' when it did not.

-- +goose Up
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    next_at    TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT '',
    sent_at    TEXT
);
CREATE INDEX outbox_unsent ON outbox (next_at, id) WHERE sent_at IS NULL;
ALTER TABLE human_tasks ADD COLUMN action_error TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE human_tasks DROP COLUMN action_error;
DROP TABLE outbox;
