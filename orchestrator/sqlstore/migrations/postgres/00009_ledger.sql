-- The ledger: one append-only Merkle tree (golang.org/x/mod/sumdb/tlog)
-- over every audit entry, item history entry and evidence record.
-- ledger_leaves says which record each leaf is; ledger_hashes holds the
-- tree's stored hashes by tlog.StoredHashIndex; ledger_head's one row is
-- the tree size and the lock (SELECT ... FOR UPDATE) that serialises
-- appends across processes. Records that exist when this migration runs
-- become the first leaves (audit, then history, then evidence, each in id
-- order); the store hashes them on its next migrate (size < leaves).

-- +goose Up
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size BIGINT  NOT NULL
);
INSERT INTO ledger_head (id, size) VALUES (1, 0);

CREATE TABLE ledger_leaves (
    n    BIGINT PRIMARY KEY,
    kind TEXT   NOT NULL,
    ref  BIGINT NOT NULL,
    UNIQUE (kind, ref)
);

CREATE TABLE ledger_hashes (
    idx  BIGINT PRIMARY KEY,
    hash BYTEA  NOT NULL
);

INSERT INTO ledger_leaves (n, kind, ref)
SELECT row_number() OVER (ORDER BY o, ref) - 1, kind, ref FROM (
    SELECT 1 AS o, 'audit' AS kind, seq AS ref FROM audit_log
    UNION ALL SELECT 2, 'history', id FROM item_history
    UNION ALL SELECT 3, 'evidence', id FROM evidence
) AS records;

CREATE TRIGGER ledger_leaves_append_only BEFORE UPDATE OR DELETE ON ledger_leaves
    FOR EACH ROW EXECUTE FUNCTION docket_append_only();
CREATE TRIGGER ledger_hashes_append_only BEFORE UPDATE OR DELETE ON ledger_hashes
    FOR EACH ROW EXECUTE FUNCTION docket_append_only();

-- +goose Down
DROP TABLE ledger_hashes;
DROP TABLE ledger_leaves;
DROP TABLE ledger_head;
