package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/mod/sumdb/tlog"
)

var _ orchestrator.LedgerStore = (*Store)(nil)

// LedgerTree is the tree's size and root hash from the stored hashes.
func (s *Store) LedgerTree(ctx context.Context) (tlog.Tree, error) {
	var t tlog.Tree
	if err := s.db.QueryRowContext(ctx, `SELECT size FROM ledger_head WHERE id = 1`).Scan(&t.N); err != nil {
		return t, fmt.Errorf("sqlstore: ledger tree: %w", translate(err))
	}
	if t.N == 0 {
		return t, nil
	}
	h, err := tlog.TreeHash(t.N, orchestrator.LedgerHashReader(ctx, s))
	if err != nil {
		return t, fmt.Errorf("sqlstore: ledger tree of %d: %w", t.N, err)
	}
	t.Hash = h
	return t, nil
}

// ReadHashes reads stored hashes by tlog.StoredHashIndex.
func (s *Store) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	h, err := readHashes(ctx, s, s.db, indexes)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: ledger hashes: %w", err)
	}
	return h, nil
}

// LeafIndex is the index of a record's leaf.
func (s *Store) LeafIndex(ctx context.Context, l orchestrator.LedgerLeaf) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, s.d.q(`SELECT n FROM ledger_leaves WHERE kind = ? AND ref = ?`), l.Kind, l.Ref).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: ledger leaf of %s: %w", l, translate(err))
	}
	return n, nil
}

// LedgerEntries lists leaves with index >= from in order, each with its
// stored leaf hash (zero when missing) and its record's encoding as the
// record reads now (nil when the record is gone).
func (s *Store) LedgerEntries(ctx context.Context, from int64, limit int) ([]orchestrator.LedgerEntry, error) {
	if limit <= 0 {
		limit = listLimitDefault
	}
	entries, err := s.ledgerEntries(ctx, from, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: ledger entries from %d: %w", from, err)
	}
	return entries, nil
}

func (s *Store) ledgerEntries(ctx context.Context, from int64, limit int) ([]orchestrator.LedgerEntry, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT n, kind, ref, hashes FROM ledger_leaves WHERE n >= ? ORDER BY n LIMIT ?`), from, limit)
	if err != nil {
		return nil, err
	}
	var entries []orchestrator.LedgerEntry
	refs := map[string][]int64{}
	for rows.Next() {
		var (
			e      orchestrator.LedgerEntry
			hashes []byte
		)
		if err := rows.Scan(&e.N, &e.Leaf.Kind, &e.Leaf.Ref, &hashes); err != nil {
			rows.Close()
			return nil, err
		}
		if len(hashes) >= tlog.HashSize {
			e.Stored = tlog.Hash(hashes[:tlog.HashSize]) // the leaf's own hash comes first
		}
		entries = append(entries, e)
		refs[e.Leaf.Kind] = append(refs[e.Leaf.Kind], e.Leaf.Ref)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil || len(entries) == 0 {
		return nil, err
	}
	data, err := s.leafData(ctx, refs)
	if err != nil {
		return nil, err
	}
	for i := range entries {
		entries[i].Data = data[entries[i].Leaf]
	}
	return entries, nil
}

// leafData reads the records refs names and encodes each as a leaf.
func (s *Store) leafData(ctx context.Context, refs map[string][]int64) (map[orchestrator.LedgerLeaf][]byte, error) {
	out := map[orchestrator.LedgerLeaf][]byte{}
	in := func(ids []int64) (string, []any) {
		return `(?` + strings.Repeat(`, ?`, len(ids)-1) + `)`, int64sAny(ids)
	}
	if ids := refs[orchestrator.LeafAudit]; len(ids) > 0 {
		list, args := in(ids)
		recs, err := s.auditQuery(ctx, ` WHERE seq IN `+list, args...)
		if err != nil {
			return nil, err
		}
		for _, a := range recs {
			out[orchestrator.LedgerLeaf{Kind: orchestrator.LeafAudit, Ref: a.Seq}] = a.LeafData()
		}
	}
	if ids := refs[orchestrator.LeafEvidence]; len(ids) > 0 {
		list, args := in(ids)
		recs, err := s.evidenceList(ctx, `WHERE id IN `+list, args...)
		if err != nil {
			return nil, err
		}
		for _, e := range recs {
			out[orchestrator.LedgerLeaf{Kind: orchestrator.LeafEvidence, Ref: e.ID}] = e.LeafData()
		}
	}
	if ids := refs[orchestrator.LeafHistory]; len(ids) > 0 {
		list, args := in(ids)
		recs, err := s.historyQuery(ctx, ` WHERE id IN `+list, args...)
		if err != nil {
			return nil, err
		}
		for _, h := range recs {
			out[orchestrator.LedgerLeaf{Kind: orchestrator.LeafHistory, Ref: h.ID}] = h.LeafData()
		}
	}
	return out, nil
}

// UnloggedRecord finds a record without a leaf: the first audit entry,
// then history entry, then evidence record.
func (s *Store) UnloggedRecord(ctx context.Context) (orchestrator.LedgerLeaf, bool, error) {
	for _, t := range []struct{ kind, table, id string }{
		{orchestrator.LeafAudit, "audit_log", "seq"},
		{orchestrator.LeafHistory, "item_history", "id"},
		{orchestrator.LeafEvidence, "evidence", "id"},
	} {
		var ref int64
		err := s.db.QueryRowContext(ctx, s.d.q(`SELECT `+t.id+` FROM `+t.table+` r WHERE NOT EXISTS
			(SELECT 1 FROM ledger_leaves l WHERE l.kind = ? AND l.ref = r.`+t.id+`) ORDER BY `+t.id+` LIMIT 1`), t.kind).Scan(&ref)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return orchestrator.LedgerLeaf{}, false, fmt.Errorf("sqlstore: unlogged %s: %w", t.table, err)
		}
		return orchestrator.LedgerLeaf{Kind: t.kind, Ref: ref}, true, nil
	}
	return orchestrator.LedgerLeaf{}, false, nil
}

// ItemDataStates lists items with ID > afterID in ID order with the data
// hash their last history entry recorded.
func (s *Store) ItemDataStates(ctx context.Context, afterID int64, limit int) ([]orchestrator.ItemDataState, error) {
	if limit <= 0 {
		limit = listLimitDefault
	}
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT w.id, w.data, w.data_hash, COALESCE(h.id, 0), COALESCE(h.data_hash, '')
		FROM work_items w LEFT JOIN item_history h
			ON h.id = (SELECT MAX(id) FROM item_history WHERE item_id = w.id)
		WHERE w.id > ? ORDER BY w.id LIMIT ?`), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: item data after %d: %w", afterID, err)
	}
	defer rows.Close()
	var out []orchestrator.ItemDataState
	for rows.Next() {
		var (
			it   orchestrator.ItemDataState
			data string
		)
		if err := rows.Scan(&it.ItemID, &data, &it.DataHash, &it.HistoryID, &it.LoggedHash); err != nil {
			return nil, fmt.Errorf("sqlstore: item data after %d: %w", afterID, err)
		}
		it.Data = []byte(data)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: item data after %d: %w", afterID, err)
	}
	return out, nil
}

// MissingItem finds the lowest item id history names that has no item.
func (s *Store) MissingItem(ctx context.Context) (int64, bool, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT MIN(h.item_id) FROM item_history h
		WHERE NOT EXISTS (SELECT 1 FROM work_items w WHERE w.id = h.item_id)`).Scan(&sqlNullInt{&id})
	if err != nil {
		return 0, false, fmt.Errorf("sqlstore: missing items: %w", err)
	}
	return id, id != 0, nil
}

// sqlNullInt scans a nullable integer as 0 when NULL.
type sqlNullInt struct{ p *int64 }

func (n sqlNullInt) Scan(v any) error {
	var x sql.NullInt64
	if err := x.Scan(v); err != nil {
		return err
	}
	*n.p = x.Int64
	return nil
}

// lastLoggedHash is the data hash the last history entry of item w logged
// (the item row's own when it has none).
const lastLoggedHash = `COALESCE((SELECT h.data_hash FROM item_history h WHERE h.item_id = w.id ORDER BY h.id DESC LIMIT 1), w.data_hash)`

const historyColumns = `id, item_id, at, actor, action, reason, changes, data_hash`

func (s *Store) historyQuery(ctx context.Context, tail string, args ...any) ([]orchestrator.HistoryEntry, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+historyColumns+` FROM item_history`+tail), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var entries []orchestrator.HistoryEntry
	for rows.Next() {
		var (
			h       orchestrator.HistoryEntry
			changes string
		)
		if err := rows.Scan(&h.ID, &h.ItemID, timeScan{&h.At}, &h.Actor, &h.Action, &h.Reason, &changes, &h.DataHash); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(changes), &h.Changes); err != nil {
			// Unreadable changes were edited: encode them so the leaf
			// no longer matches, which the verifier reports.
			h.Changes = []orchestrator.FieldChange{{Field: "unreadable", New: changes}}
		}
		if len(h.Changes) == 0 {
			h.Changes = nil
		}
		entries = append(entries, h)
	}
	return entries, rows.Err()
}
