package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// bulkChunk bounds the rows one statement carries (SQLite allows 32,766
// parameters; an item insert takes 12 per row).
const bulkChunk = 500

type itemKey struct{ portal, externalID string }

// BulkUpsertItems upserts many observations in one transaction with set
// statements: one read of the existing rows and one multi-row insert per
// chunk, and one history insert for what was created. Changed items take
// UpsertItem's path; unchanged ones only move their last run. One audit
// entry ("items.upserted") per call records the counts and a digest of
// every (item id, data hash) it wrote, so the batch is on the chain.
func (s *Store) BulkUpsertItems(ctx context.Context, us []orchestrator.ItemUpsert) ([]orchestrator.UpsertResult, error) {
	if len(us) == 0 {
		return nil, nil
	}
	seen := make(map[itemKey]bool, len(us))
	for i := range us {
		if err := validateUpsert(us[i]); err != nil {
			return nil, fmt.Errorf("sqlstore: bulk upsert item %d: %w", i, err)
		}
		k := itemKey{us[i].Portal, us[i].ExternalID}
		if seen[k] {
			return nil, fmt.Errorf("sqlstore: bulk upsert item %d: %w: an item from %s appears twice", i, orchestrator.ErrInvalid, k.portal)
		}
		seen[k] = true
		us[i].At = s.orNow(us[i].At)
	}
	results := make([]orchestrator.UpsertResult, len(us))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(us); start += bulkChunk {
			end := min(start+bulkChunk, len(us))
			if err := s.bulkChunkTx(ctx, tx, us[start:end], results[start:end]); err != nil {
				return err
			}
		}
		return s.auditBulk(ctx, tx, us, results)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: bulk upsert of %d items: %w", len(us), translate(err))
	}
	return results, nil
}

func (s *Store) bulkChunkTx(ctx context.Context, tx *sql.Tx, us []orchestrator.ItemUpsert, out []orchestrator.UpsertResult) error {
	existing, err := s.existingItems(ctx, tx, us)
	if err != nil {
		return err
	}
	var fresh []int
	unchanged := map[string][]int64{} // run id → item ids
	for i, u := range us {
		old, ok := existing[itemKey{u.Portal, u.ExternalID}]
		switch {
		case !ok:
			fresh = append(fresh, i)
		case old.DataHash == u.DataHash:
			old.LastRunID = u.RunID
			out[i] = orchestrator.UpsertResult{Item: old, Outcome: orchestrator.UpsertUnchanged}
			unchanged[u.RunID] = append(unchanged[u.RunID], old.ID)
		default:
			if out[i], err = s.upsertItemTx(ctx, tx, u); err != nil {
				return err
			}
		}
	}
	for run, ids := range unchanged {
		args := []any{run}
		for _, id := range ids {
			args = append(args, id)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE work_items SET last_run_id = ? WHERE id IN (?`+
			strings.Repeat(", ?", len(ids)-1)+`)`), args...); err != nil {
			return err
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	return s.insertFresh(ctx, tx, us, fresh, out)
}

// existingItems reads the chunk's items that exist, locking them on
// PostgreSQL (SQLite's write lock is already held).
func (s *Store) existingItems(ctx context.Context, tx *sql.Tx, us []orchestrator.ItemUpsert) (map[itemKey]orchestrator.WorkItem, error) {
	var (
		query string
		args  []any
	)
	if s.d.name == "postgres" {
		// Two array parameters rather than 2n scalars: PostgreSQL plans a
		// long VALUES list slowly.
		portals, ids := make([]string, len(us)), make([]string, len(us))
		for i, u := range us {
			portals[i], ids[i] = u.Portal, u.ExternalID
		}
		query = `(SELECT * FROM unnest(?::text[], ?::text[]))`
		args = []any{portals, ids}
	} else {
		for _, u := range us {
			args = append(args, u.Portal, u.ExternalID)
		}
		query = `(VALUES (?, ?)` + strings.Repeat(", (?, ?)", len(us)-1) + `)`
	}
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+itemColumns+` FROM work_items
		WHERE (portal, external_id) IN `+query+s.d.forUpdate), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[itemKey]orchestrator.WorkItem, len(us))
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		m[itemKey{it.Portal, it.ExternalID}] = it
	}
	return m, rows.Err()
}

// insertFresh inserts the items the read did not find in one statement,
// and their "created" history in another. An item another writer inserted
// in between is not returned by the insert and takes UpsertItem's path.
func (s *Store) insertFresh(ctx context.Context, tx *sql.Tx, us []orchestrator.ItemUpsert, fresh []int, out []orchestrator.UpsertResult) error {
	source, args := s.freshRows(us, fresh)
	rows, err := tx.QueryContext(ctx, s.d.q(`INSERT INTO work_items
			(queue, portal, external_id, kind, status, data, data_hash, evidence_id,
			 first_run_id, last_run_id, created_at, updated_at)
		`+source+`
		ON CONFLICT (portal, external_id) DO NOTHING
		RETURNING `+itemColumns), args...)
	if err != nil {
		return err
	}
	inserted := make(map[itemKey]orchestrator.WorkItem, len(fresh))
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return err
		}
		inserted[itemKey{it.Portal, it.ExternalID}] = it
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var hist []historyRow
	n := 0
	for _, i := range fresh {
		u := us[i]
		it, ok := inserted[itemKey{u.Portal, u.ExternalID}]
		if !ok {
			if out[i], err = s.upsertItemTx(ctx, tx, u); err != nil {
				return err
			}
			continue
		}
		changes, err := orchestrator.DiffData(nil, u.Data)
		if err != nil {
			return err
		}
		enc, err := json.Marshal(changes)
		if err != nil {
			return err
		}
		out[i] = orchestrator.UpsertResult{Item: it, Outcome: orchestrator.UpsertCreated, Changes: changes}
		hist = append(hist, historyRow{it.ID, u.At, orchestrator.RunActor(u.RunID), string(enc), u.DataHash, changes})
		n++
	}
	if n == 0 {
		return nil
	}
	return s.insertHistoryRows(ctx, tx, hist)
}

// insertHistoryRows inserts "created" history in one statement and logs
// each entry in the ledger (in item order, whatever order the database
// returns the new ids in).
func (s *Store) insertHistoryRows(ctx context.Context, tx *sql.Tx, hist []historyRow) error {
	source, args := s.historyRows(hist)
	rows, err := tx.QueryContext(ctx, s.d.q(`INSERT INTO item_history (item_id, at, actor, action, changes, data_hash) `+source+
		` RETURNING id, item_id`), args...)
	if err != nil {
		return err
	}
	ids := make(map[int64]int64, len(hist)) // item id → history id
	for rows.Next() {
		var id, item int64
		if err := rows.Scan(&id, &item); err != nil {
			rows.Close()
			return err
		}
		ids[item] = id
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, h := range hist {
		id, ok := ids[h.itemID]
		if !ok {
			return fmt.Errorf("history of item %d was not inserted", h.itemID)
		}
		s.logHistory(tx, orchestrator.HistoryEntry{ID: id, ItemID: h.itemID, At: h.at, Actor: h.actor,
			Action: orchestrator.ActionCreated, Changes: h.parsed, DataHash: h.dh})
	}
	return nil
}

// freshRows is the row source of a multi-row item insert: array
// parameters unnested on PostgreSQL (12 parameters, however many rows),
// a VALUES list on SQLite.
func (s *Store) freshRows(us []orchestrator.ItemUpsert, fresh []int) (string, []any) {
	if s.d.name != "postgres" {
		args := make([]any, 0, 12*len(fresh))
		for _, i := range fresh {
			u := us[i]
			at := s.d.ts(u.At)
			args = append(args, u.Queue, u.Portal, u.ExternalID, string(u.Kind), string(orchestrator.ItemNew),
				string(u.Data), u.DataHash, u.EvidenceID, u.RunID, u.RunID, at, at)
		}
		return `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` + strings.Repeat(", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(fresh)-1), args
	}
	n := len(fresh)
	queue, portal, ext, kind, status, data, hash := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	evidence, run, at := make([]int64, n), make([]string, n), make([]time.Time, n)
	for j, i := range fresh {
		u := us[i]
		queue[j], portal[j], ext[j], kind[j], status[j] = u.Queue, u.Portal, u.ExternalID, string(u.Kind), string(orchestrator.ItemNew)
		data[j], hash[j], evidence[j], run[j], at[j] = string(u.Data), u.DataHash, u.EvidenceID, u.RunID, dbTime(u.At)
	}
	return `SELECT q, p, e, k, s, d, h, ev, r, r, t, t FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			?::text[], ?::text[], ?::bigint[], ?::text[], ?::timestamptz[]) AS x(q, p, e, k, s, d, h, ev, r, t)`,
		[]any{queue, portal, ext, kind, status, data, hash, evidence, run, at}
}

type historyRow struct {
	itemID             int64
	at                 time.Time
	actor, changes, dh string
	parsed             []orchestrator.FieldChange // changes, for the ledger
}

// historyRows is the row source of a multi-row "created" history insert.
func (s *Store) historyRows(rows []historyRow) (string, []any) {
	if s.d.name != "postgres" {
		args := make([]any, 0, 6*len(rows))
		for _, h := range rows {
			args = append(args, h.itemID, s.d.ts(h.at), h.actor, orchestrator.ActionCreated, h.changes, h.dh)
		}
		return `VALUES (?, ?, ?, ?, ?, ?)` + strings.Repeat(", (?, ?, ?, ?, ?, ?)", len(rows)-1), args
	}
	n := len(rows)
	ids, at, actor, changes, dh := make([]int64, n), make([]time.Time, n), make([]string, n), make([]string, n), make([]string, n)
	for i, h := range rows {
		ids[i], at[i], actor[i], changes[i], dh[i] = h.itemID, dbTime(h.at), h.actor, h.changes, h.dh
	}
	return `SELECT i, t, a, '` + orchestrator.ActionCreated + `', c, h FROM unnest(?::bigint[], ?::timestamptz[], ?::text[], ?::text[], ?::text[]) AS x(i, t, a, c, h)`,
		[]any{ids, at, actor, changes, dh}
}

// auditBulk appends one entry for the batch: counts and a sha256 over
// "id:data_hash" lines (sorted as text) of every item created or updated,
// which an auditor recomputes from the items' history.
func (s *Store) auditBulk(ctx context.Context, tx *sql.Tx, us []orchestrator.ItemUpsert, res []orchestrator.UpsertResult) error {
	var created, updated, unchanged int
	var lines []string
	for _, r := range res {
		switch r.Outcome {
		case orchestrator.UpsertCreated:
			created++
		case orchestrator.UpsertUpdated:
			updated++
		default:
			unchanged++
			continue
		}
		lines = append(lines, strconv.FormatInt(r.Item.ID, 10)+":"+r.Item.DataHash)
	}
	if len(lines) == 0 {
		return nil
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	run := us[0].RunID
	_, err := s.appendAuditTx(ctx, tx, orchestrator.AuditEntry{
		At: us[0].At, Actor: orchestrator.RunActor(run), Action: "items.upserted", Subject: "run:" + run,
		Detail: fmt.Sprintf("created %d, updated %d, unchanged %d; digest sha256:%s", created, updated, unchanged, hex.EncodeToString(sum[:])),
	})
	return err
}
