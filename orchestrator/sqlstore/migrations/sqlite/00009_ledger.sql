-- The ledger: one append-only Merkle tree (golang.org/x/mod/sumdb/tlog)
-- over every audit entry, item history entry and evidence record.
-- ledger_leaves says which record each leaf is; ledger_hashes holds the
-- tree's stored hashes by tlog.StoredHashIndex; ledger_head's one row is
-- the tree size and the lock that serialises appends. Records that exist
-- when this migration runs become the first leaves (audit, then history,
-- then evidence, each in id order); the store hashes them on its next
-- migrate (size < number of leaves).

-- +goose Up
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL
);
INSERT INTO ledger_head (id, size) VALUES (1, 0);

CREATE TABLE ledger_leaves (
    n    INTEGER PRIMARY KEY,
    kind TEXT    NOT NULL,
    ref  INTEGER NOT NULL,
    UNIQUE (kind, ref)
);

CREATE TABLE ledger_hashes (
    idx  INTEGER PRIMARY KEY,
    hash BLOB    NOT NULL
);

INSERT INTO ledger_leaves (n, kind, ref)
SELECT row_number() OVER (ORDER BY o, ref) - 1, kind, ref FROM (
    SELECT 1 AS o, 'audit' AS kind, seq AS ref FROM audit_log
    UNION ALL SELECT 2, 'history', id FROM item_history
    UNION ALL SELECT 3, 'evidence', id FROM evidence
);

-- +goose StatementBegin
CREATE TRIGGER ledger_leaves_append_only_update BEFORE UPDATE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_leaves_append_only_delete BEFORE DELETE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_hashes_append_only_update BEFORE UPDATE ON ledger_hashes
BEGIN SELECT RAISE(ABORT, 'ledger_hashes is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_hashes_append_only_delete BEFORE DELETE ON ledger_hashes
BEGIN SELECT RAISE(ABORT, 'ledger_hashes is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE ledger_hashes;
DROP TABLE ledger_leaves;
DROP TABLE ledger_head;
