package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// UpdateItem writes u.State if the item is still at u.Version, bumps the
// version, and appends a history entry and an audit entry, in one
// transaction. A stale version, or a reference another item of the queue
// holds, gives ErrConflict.
func (s *Store) UpdateItem(ctx context.Context, u orchestrator.ItemUpdate) (orchestrator.WorkItem, error) {
	if err := validateState(u); err != nil {
		return orchestrator.WorkItem{}, fmt.Errorf("sqlstore: update item %d: %w", u.ItemID, err)
	}
	u.At = s.orNow(u.At)
	var out orchestrator.WorkItem
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.updateItemTx(ctx, tx, u)
		return err
	})
	if err != nil {
		return orchestrator.WorkItem{}, fmt.Errorf("sqlstore: update item %d (%s): %w", u.ItemID, u.Action, translate(err))
	}
	return out, nil
}

// updateItemTx is UpdateItem's work inside tx, for u validated and
// stamped (UpdateTask writes a resolution's item changes with it).
func (s *Store) updateItemTx(ctx context.Context, tx *sql.Tx, u orchestrator.ItemUpdate) (orchestrator.WorkItem, error) {
	old, err := scanItem(tx.QueryRowContext(ctx, s.d.q(`SELECT `+itemColumns+` FROM work_items WHERE id = ?`+s.d.forUpdate), u.ItemID))
	if err != nil {
		return orchestrator.WorkItem{}, err
	}
	if old.Version != u.Version {
		return orchestrator.WorkItem{}, fmt.Errorf("%w: item %d is at version %d, not %d (%s)", orchestrator.ErrConflict, u.ItemID, old.Version, u.Version, old.Status)
	}
	st := u.State
	out, err := scanItem(tx.QueryRowContext(ctx, s.d.q(`UPDATE work_items SET
			queue = ?, status = ?, failure = ?, status_reason = ?, review = ?, priority = ?, priority_rank = ?,
			reference = ?, defer_until = ?, due_at = ?, retry_count = ?, lease_owner = ?, lease_until = ?,
			updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? RETURNING `+itemColumns),
		st.Queue, string(st.Status), string(st.Failure), st.StatusReason, string(st.Review), string(st.Priority), st.Priority.Rank(),
		st.Reference, s.d.nullTS(st.DeferUntil), s.d.nullTS(st.DueAt), st.RetryCount, st.LeaseOwner, s.d.nullTS(st.LeaseUntil),
		s.d.ts(u.At), u.ItemID, u.Version))
	if errors.Is(err, sql.ErrNoRows) {
		return orchestrator.WorkItem{}, fmt.Errorf("%w: item %d changed meanwhile", orchestrator.ErrConflict, u.ItemID)
	}
	if err != nil {
		if isUniqueViolation(err) {
			return orchestrator.WorkItem{}, fmt.Errorf("%w: reference %q is taken in queue %s", orchestrator.ErrConflict, st.Reference, st.Queue)
		}
		return orchestrator.WorkItem{}, err
	}
	changes := stateChanges(old.State(), out.State())
	enc, err := json.Marshal(changes)
	if err != nil {
		return orchestrator.WorkItem{}, err
	}
	h := orchestrator.HistoryEntry{ItemID: out.ID, At: u.At, Actor: u.Actor, Action: u.Action, Reason: u.Reason,
		Changes: changes}
	// A lifecycle change leaves the data as it was logged last, which an
	// edit of work_items.data behind the store's back must not replace.
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT `+lastLoggedHash+` FROM work_items w WHERE w.id = ?`), out.ID).Scan(&h.DataHash); err != nil {
		return orchestrator.WorkItem{}, fmt.Errorf("last logged data hash: %w", err)
	}
	if err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO item_history (item_id, at, actor, action, reason, changes, data_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), h.ItemID, s.d.ts(h.At), h.Actor, h.Action, h.Reason, string(enc), h.DataHash).Scan(&h.ID); err != nil {
		return orchestrator.WorkItem{}, fmt.Errorf("append history: %w", err)
	}
	s.logHistory(tx, h)
	_, err = s.appendAuditTx(ctx, tx, orchestrator.AuditEntry{
		At: u.At, Actor: u.Actor, Action: "item." + u.Action, Subject: orchestrator.AuditSubjectItem(out.ID),
		Detail: auditDetail(u.Reason, changes),
	})
	return out, err
}

func validateState(u orchestrator.ItemUpdate) error {
	st := u.State
	switch {
	case u.Actor == "" || u.Action == "":
		return fmt.Errorf("%w: change needs an actor and an action", orchestrator.ErrInvalid)
	case st.Queue == "":
		return fmt.Errorf("%w: queue is empty", orchestrator.ErrInvalid)
	case !st.Status.Valid():
		return fmt.Errorf("%w: status %q", orchestrator.ErrInvalid, st.Status)
	case !st.Failure.Valid():
		return fmt.Errorf("%w: failure kind %q", orchestrator.ErrInvalid, st.Failure)
	case st.Priority.Rank() == 0:
		return fmt.Errorf("%w: priority %q", orchestrator.ErrInvalid, st.Priority)
	}
	switch st.Review {
	case orchestrator.ReviewNone, orchestrator.ReviewInReview, orchestrator.ReviewVerified:
	default:
		return fmt.Errorf("%w: review status %q", orchestrator.ErrInvalid, st.Review)
	}
	return nil
}

// stateChanges lists the lifecycle fields that differ, by column name,
// values JSON-encoded like data changes.
func stateChanges(a, b orchestrator.ItemState) []orchestrator.FieldChange {
	var out []orchestrator.FieldChange
	add := func(field string, o, n any, same bool) {
		if same {
			return
		}
		enc := func(v any) string {
			if t, ok := v.(time.Time); ok && t.IsZero() {
				return ""
			}
			if s, ok := v.(string); ok && s == "" {
				return ""
			}
			j, _ := json.Marshal(v) // strings, ints and times always marshal
			return string(j)
		}
		out = append(out, orchestrator.FieldChange{Field: field, Old: enc(o), New: enc(n)})
	}
	add("defer_until", a.DeferUntil, b.DeferUntil, a.DeferUntil.Equal(b.DeferUntil))
	add("due_at", a.DueAt, b.DueAt, a.DueAt.Equal(b.DueAt))
	add("failure", string(a.Failure), string(b.Failure), a.Failure == b.Failure)
	add("lease_owner", a.LeaseOwner, b.LeaseOwner, a.LeaseOwner == b.LeaseOwner)
	add("lease_until", a.LeaseUntil, b.LeaseUntil, a.LeaseUntil.Equal(b.LeaseUntil))
	add("priority", string(a.Priority), string(b.Priority), a.Priority == b.Priority)
	add("queue", a.Queue, b.Queue, a.Queue == b.Queue)
	add("reference", a.Reference, b.Reference, a.Reference == b.Reference)
	add("retry_count", a.RetryCount, b.RetryCount, a.RetryCount == b.RetryCount)
	add("review", string(a.Review), string(b.Review), a.Review == b.Review)
	add("status", string(a.Status), string(b.Status), a.Status == b.Status)
	add("status_reason", a.StatusReason, b.StatusReason, a.StatusReason == b.StatusReason)
	if out == nil {
		out = []orchestrator.FieldChange{}
	}
	return out
}

// auditDetail says what changed and why in one line. Only lifecycle
// fields appear, never the item's data (which may hold PHI).
func auditDetail(reason string, changes []orchestrator.FieldChange) string {
	d := ""
	for i, c := range changes {
		if c.Field == "status_reason" || c.Field == "reference" {
			continue
		}
		if i > 0 && d != "" {
			d += ", "
		}
		d += c.Field + " " + c.Old + "→" + c.New
	}
	if reason != "" {
		if d != "" {
			d += "; "
		}
		d += reason
	}
	return d
}

// ExpiredLeases lists InProgress items whose lease ended before now,
// oldest lease first.
func (s *Store) ExpiredLeases(ctx context.Context, now time.Time, limit int) ([]orchestrator.WorkItem, error) {
	items, err := s.itemsWhere(ctx, `WHERE status = 'in_progress' AND lease_until < ? ORDER BY lease_until, id LIMIT ?`,
		s.d.ts(now), orDefault(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: expired leases: %w", err)
	}
	return items, nil
}

// PastDeadline lists New or InProgress items whose deadline is before now,
// earliest first.
func (s *Store) PastDeadline(ctx context.Context, now time.Time, limit int) ([]orchestrator.WorkItem, error) {
	items, err := s.itemsWhere(ctx, `WHERE status IN ('new', 'in_progress') AND due_at IS NOT NULL AND due_at < ?
		ORDER BY due_at, id LIMIT ?`, s.d.ts(now), orDefault(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: items past deadline: %w", err)
	}
	return items, nil
}

func (s *Store) itemsWhere(ctx context.Context, tail string, args ...any) ([]orchestrator.WorkItem, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+itemColumns+` FROM work_items `+tail), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []orchestrator.WorkItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

func orDefault(limit int) int {
	if limit <= 0 {
		return listLimitDefault
	}
	return limit
}
