-- Login throttle counters, shared by every serve process: one row per key
-- (an account's hashed name, a source address, a known device), never the
-- typed name itself, so a row is small whatever was typed. version makes
-- the check-and-charge a compare-and-swap; keep_until says when the row
-- may go.

-- +goose Up
CREATE TABLE login_throttle (
    key        TEXT    PRIMARY KEY,
    attempts   INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    last_at    TEXT    NOT NULL,
    next_at    TEXT    NOT NULL,
    keep_until TEXT    NOT NULL
);
CREATE INDEX login_throttle_keep ON login_throttle (keep_until);

-- +goose Down
DROP TABLE login_throttle;
