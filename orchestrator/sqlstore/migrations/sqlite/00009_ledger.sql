-- The ledger: one append-only Merkle tree (golang.org/x/mod/sumdb/tlog)
-- over every audit entry, item history entry and evidence record. Each
-- leaf row says which record it is and holds the tree hashes stored when
-- it was appended (tlog.StoredHashes: the leaf hash, then one per subtree
-- it completes; 32 bytes each), so an append writes one row. ledger_head's
-- one row is the number of hashed leaves and the lock that serialises
-- appends. Records that exist when this migration runs become the first
-- leaves (audit, then history, then evidence, each in id order) with no
-- hashes yet; the store hashes them on its next migrate.

-- +goose Up
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL
);
INSERT INTO ledger_head (id, size) VALUES (1, 0);

CREATE TABLE ledger_leaves (
    n      INTEGER PRIMARY KEY,
    kind   TEXT    NOT NULL,
    ref    INTEGER NOT NULL,
    hashes BLOB    NOT NULL,
    UNIQUE (kind, ref)
);

INSERT INTO ledger_leaves (n, kind, ref, hashes)
SELECT row_number() OVER (ORDER BY o, ref) - 1, kind, ref, X'' FROM (
    SELECT 1 AS o, 'audit' AS kind, seq AS ref FROM audit_log
    UNION ALL SELECT 2, 'history', id FROM item_history
    UNION ALL SELECT 3, 'evidence', id FROM evidence
);

-- Append-only, except that a leaf listed above gets its hashes once.
-- +goose StatementBegin
CREATE TRIGGER ledger_leaves_append_only_update BEFORE UPDATE ON ledger_leaves
WHEN length(OLD.hashes) > 0 OR NEW.n <> OLD.n OR NEW.kind <> OLD.kind OR NEW.ref <> OLD.ref
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_leaves_append_only_delete BEFORE DELETE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE ledger_leaves;
DROP TABLE ledger_head;
