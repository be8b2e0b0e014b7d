package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

const itemColumns = `id, queue, portal, external_id, kind, status, data, data_hash, evidence_id,
	first_run_id, last_run_id, created_at, updated_at, version,
	failure, status_reason, review, priority, reference, defer_until, due_at, retry_count,
	lease_owner, lease_until`

// UpsertItem inserts or updates the item keyed by (Portal, ExternalID) and,
// when its data hash changed, appends one history entry with the field
// changes and keeps its tasks' Payer in step, in one transaction. Unchanged data only moves the item's last
// run; Version and UpdatedAt stay as they were.
//
// Two upserts of the same item cannot both see it missing: the insert is
// ON CONFLICT DO NOTHING, and the loser then reads the row under a row lock
// (PostgreSQL) or the database write lock (SQLite) before comparing hashes.
func (s *Store) UpsertItem(ctx context.Context, u orchestrator.ItemUpsert) (orchestrator.UpsertResult, error) {
	if err := validateUpsert(u); err != nil {
		return orchestrator.UpsertResult{}, fmt.Errorf("sqlstore: upsert item: %w", err)
	}
	u.At = s.orNow(u.At)
	var res orchestrator.UpsertResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.upsertItemTx(ctx, tx, u)
		return err
	})
	if err != nil {
		return orchestrator.UpsertResult{}, fmt.Errorf("sqlstore: upsert an item from %s: %w", u.Portal, translate(err))
	}
	return res, nil
}

func validateUpsert(u orchestrator.ItemUpsert) error {
	switch {
	case u.Portal == "" || u.ExternalID == "":
		return fmt.Errorf("%w: item needs a portal and an external id", orchestrator.ErrInvalid)
	case u.Kind == "" || u.Queue == "":
		return fmt.Errorf("%w: an item from %s needs a kind and a queue", orchestrator.ErrInvalid, u.Portal)
	case u.DataHash == "" || !json.Valid(u.Data):
		return fmt.Errorf("%w: an item from %s needs JSON data and its hash", orchestrator.ErrInvalid, u.Portal)
	}
	return nil
}

func (s *Store) upsertItemTx(ctx context.Context, tx *sql.Tx, u orchestrator.ItemUpsert) (orchestrator.UpsertResult, error) {
	at := s.d.ts(u.At)
	row := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO work_items
			(queue, portal, external_id, kind, status, data, data_hash, evidence_id,
			 first_run_id, last_run_id, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (portal, external_id) DO NOTHING
		RETURNING `+itemColumns),
		u.Queue, u.Portal, u.ExternalID, string(u.Kind), string(orchestrator.ItemNew),
		string(u.Data), u.DataHash, u.EvidenceID, u.RunID, u.RunID, at, at)
	item, err := scanItem(row)
	if err == nil {
		changes, err := orchestrator.DiffData(nil, u.Data)
		if err != nil {
			return orchestrator.UpsertResult{}, err
		}
		if err := s.appendHistory(ctx, tx, item, u, orchestrator.ActionCreated, changes); err != nil {
			return orchestrator.UpsertResult{}, err
		}
		return orchestrator.UpsertResult{Item: item, Outcome: orchestrator.UpsertCreated, Changes: changes}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return orchestrator.UpsertResult{}, err
	}

	old, err := scanItem(tx.QueryRowContext(ctx, s.d.q(`SELECT `+itemColumns+` FROM work_items
		WHERE portal = ? AND external_id = ?`+s.d.forUpdate), u.Portal, u.ExternalID))
	if err != nil {
		return orchestrator.UpsertResult{}, err
	}
	if old.DataHash == u.DataHash {
		item, err := scanItem(tx.QueryRowContext(ctx, s.d.q(`UPDATE work_items SET last_run_id = ?
			WHERE id = ? RETURNING `+itemColumns), u.RunID, old.ID))
		if err != nil {
			return orchestrator.UpsertResult{}, err
		}
		return orchestrator.UpsertResult{Item: item, Outcome: orchestrator.UpsertUnchanged}, nil
	}

	changes, err := orchestrator.DiffData(old.Data, u.Data)
	if err != nil {
		return orchestrator.UpsertResult{}, err
	}
	// The queue is not overwritten: people and routing rules move items
	// between queues, and a bot re-reading the portal must not undo that.
	item, err = scanItem(tx.QueryRowContext(ctx, s.d.q(`UPDATE work_items SET
			data = ?, data_hash = ?, evidence_id = CASE WHEN ? = 0 THEN evidence_id ELSE ? END,
			last_run_id = ?, updated_at = ?, version = version + 1
		WHERE id = ? RETURNING `+itemColumns),
		string(u.Data), u.DataHash, u.EvidenceID, u.EvidenceID, u.RunID, at, old.ID))
	if err != nil {
		return orchestrator.UpsertResult{}, err
	}
	if err := s.appendHistory(ctx, tx, item, u, orchestrator.ActionUpdated, changes); err != nil {
		return orchestrator.UpsertResult{}, err
	}
	// The item's tasks carry its payer for the inbox filter.
	payer := orchestrator.ItemPayer(u.Data)
	moved, err := tx.ExecContext(ctx, s.d.q(`UPDATE human_tasks SET payer = ? WHERE item_id = ? AND payer <> ?`), payer, item.ID, payer)
	if err != nil {
		return orchestrator.UpsertResult{}, fmt.Errorf("tasks' payer: %w", err)
	}
	if n, err := moved.RowsAffected(); err == nil && n > 0 {
		if err := s.notePayerTx(ctx, tx, payer); err != nil {
			return orchestrator.UpsertResult{}, fmt.Errorf("tasks' payer: %w", err)
		}
	}
	return orchestrator.UpsertResult{Item: item, Outcome: orchestrator.UpsertUpdated, Changes: changes}, nil
}

func (s *Store) appendHistory(ctx context.Context, tx *sql.Tx, item orchestrator.WorkItem, u orchestrator.ItemUpsert, action string, changes []orchestrator.FieldChange) error {
	if changes == nil {
		changes = []orchestrator.FieldChange{}
	}
	enc, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("encode changes: %w", err)
	}
	h := orchestrator.HistoryEntry{ItemID: item.ID, At: u.At, Actor: orchestrator.RunActor(u.RunID), Action: action,
		Changes: changes, DataHash: u.DataHash}
	err = tx.QueryRowContext(ctx, s.d.q(`INSERT INTO item_history (item_id, at, actor, action, reason, changes, data_hash)
		VALUES (?, ?, ?, ?, '', ?, ?) RETURNING id`),
		h.ItemID, s.d.ts(h.At), h.Actor, h.Action, string(enc), h.DataHash).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("append history: %w", err)
	}
	s.logHistory(tx, h)
	return nil
}

// Item returns the work item with id.
func (s *Store) Item(ctx context.Context, id int64) (orchestrator.WorkItem, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, s.d.q(`SELECT `+itemColumns+` FROM work_items WHERE id = ?`), id))
	if err != nil {
		return orchestrator.WorkItem{}, fmt.Errorf("sqlstore: item %d: %w", id, translate(err))
	}
	return it, nil
}

// ItemByRef returns the work item a portal knows as externalID.
func (s *Store) ItemByRef(ctx context.Context, portal, externalID string) (orchestrator.WorkItem, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, s.d.q(`SELECT `+itemColumns+` FROM work_items
		WHERE portal = ? AND external_id = ?`), portal, externalID))
	if err != nil {
		return orchestrator.WorkItem{}, fmt.Errorf("sqlstore: an item of %s by its portal id: %w", portal, translate(err))
	}
	return it, nil
}

// Items lists work items matching f in ID order (oldest first); with a
// Search, in the order of the matching key (external id or reference,
// byte order), then ID.
func (s *Store) Items(ctx context.Context, f orchestrator.ItemFilter) ([]orchestrator.WorkItem, error) {
	query, args := s.itemsQuery(f)
	rows, err := s.db.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: items: %w", err)
	}
	defer rows.Close()
	var items []orchestrator.WorkItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: items: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: items: %w", err)
	}
	return items, nil
}

// itemsQuery builds the list query. A search is served in key order from
// the prefix indexes: one range scan of the external ids and one of the
// references, each stopping after a page, merged. Walking the primary key
// for ORDER BY id instead would read most of a million rows whenever the
// matches sit late in the table.
func (s *Store) itemsQuery(f orchestrator.ItemFilter) (string, []any) {
	var w where
	w.eq("queue", f.Queue)
	w.eq("portal", f.Portal)
	w.eq("status", string(f.Status))
	w.eq("kind", string(f.Kind))
	w.eq("priority", string(f.Priority))
	w.eq("review", string(f.Review))
	if !f.DueBefore.IsZero() {
		w.add(`due_at < ?`, s.d.ts(f.DueBefore))
	}
	if !f.ReadyAt.IsZero() {
		w.add(`(defer_until IS NULL OR defer_until <= ?)`, s.d.ts(f.ReadyAt))
	}
	if f.AfterID > 0 && f.Search == "" {
		w.add(`id > ?`, f.AfterID)
	}
	if len(f.IDs) > 0 {
		w.add(`id IN (?`+strings.Repeat(`, ?`, len(f.IDs)-1)+`)`, int64sAny(f.IDs)...)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = listLimitDefault
	}
	offset := max(f.Offset, 0)
	if f.Search == "" {
		return `SELECT ` + itemColumns + ` FROM work_items` + w.sql() + ` ORDER BY id LIMIT ? OFFSET ?`, append(w.args, limit, offset)
	}
	lo, hi := prefixRange(f.Search)
	c := s.d.byteOrder
	arm := func(col, extra string) (string, []any) {
		aw := where{conds: append([]string{}, w.conds...), args: append([]any{}, w.args...)}
		aw.add(extra+col+c+` >= ? AND `+col+c+` < ?`, lo, hi)
		return `SELECT * FROM (SELECT ` + itemColumns + `, ` + col + ` AS search_key FROM work_items` + aw.sql() +
			` ORDER BY ` + col + c + `, id LIMIT ?) ` + col + `_arm`, append(aw.args, limit+offset)
	}
	ext, extArgs := arm("external_id", "")
	ref, refArgs := arm("reference", "reference <> '' AND ")
	return `SELECT ` + itemColumns + ` FROM (` + ext + ` UNION ` + ref + `) m ORDER BY search_key` + c + `, id LIMIT ? OFFSET ?`,
		append(append(extArgs, refArgs...), limit, offset)
}

// CountItems counts work items by queue and status, sorted by both.
func (s *Store) CountItems(ctx context.Context) ([]orchestrator.ItemCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT queue, status, COUNT(*) FROM work_items
		GROUP BY queue, status ORDER BY queue, status`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: count items: %w", err)
	}
	defer rows.Close()
	var counts []orchestrator.ItemCount
	for rows.Next() {
		var c orchestrator.ItemCount
		var status string
		if err := rows.Scan(&c.Queue, &status, &c.Count); err != nil {
			return nil, fmt.Errorf("sqlstore: count items: %w", err)
		}
		c.Status = orchestrator.ItemStatus(status)
		counts = append(counts, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: count items: %w", err)
	}
	return counts, nil
}

// History lists an item's entries, oldest first. An item without history
// (or a missing item) gives ErrNotFound.
func (s *Store) History(ctx context.Context, itemID int64) ([]orchestrator.HistoryEntry, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+historyColumns+`
		FROM item_history WHERE item_id = ? ORDER BY id`), itemID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: history of item %d: %w", itemID, err)
	}
	defer rows.Close()
	var entries []orchestrator.HistoryEntry
	for rows.Next() {
		var (
			h       orchestrator.HistoryEntry
			changes string
		)
		if err := rows.Scan(&h.ID, &h.ItemID, timeScan{&h.At}, &h.Actor, &h.Action, &h.Reason, &changes, &h.DataHash); err != nil {
			return nil, fmt.Errorf("sqlstore: history of item %d: %w", itemID, err)
		}
		if err := json.Unmarshal([]byte(changes), &h.Changes); err != nil {
			return nil, fmt.Errorf("sqlstore: history of item %d: entry %d changes: %w", itemID, h.ID, err)
		}
		if len(h.Changes) == 0 {
			h.Changes = nil
		}
		entries = append(entries, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: history of item %d: %w", itemID, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("sqlstore: history of item %d: %w", itemID, orchestrator.ErrNotFound)
	}
	return entries, nil
}

func scanItem(r rowScanner) (orchestrator.WorkItem, error) {
	var (
		it                        orchestrator.WorkItem
		kind, status              string
		data                      string
		failure, review, priority string
	)
	err := r.Scan(&it.ID, &it.Queue, &it.Portal, &it.ExternalID, &kind, &status, &data, &it.DataHash,
		&it.EvidenceID, &it.FirstRunID, &it.LastRunID, timeScan{&it.CreatedAt}, timeScan{&it.UpdatedAt}, &it.Version,
		&failure, &it.StatusReason, &review, &priority, &it.Reference, timeScan{&it.DeferUntil}, timeScan{&it.DueAt},
		&it.RetryCount, &it.LeaseOwner, timeScan{&it.LeaseUntil})
	it.Kind, it.Status, it.Data = orchestrator.ItemKind(kind), orchestrator.ItemStatus(status), json.RawMessage(data)
	it.Failure, it.Review, it.Priority = orchestrator.FailureKind(failure), orchestrator.ReviewStatus(review), orchestrator.Priority(priority)
	return it, err
}
