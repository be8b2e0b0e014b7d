package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

const outboxColumns = `key, kind, payload, created_at, next_at, sent_at, attempts, last_error`

// outboxKeyMax bounds a message key: keys are ids Docket makes, never
// input, so a long one is a bug.
const outboxKeyMax = 200

func validMessage(m orchestrator.OutboxMessage) error {
	switch {
	case m.Key == "" || len(m.Key) > outboxKeyMax:
		return fmt.Errorf("%w: outbox message needs a key of at most %d bytes", orchestrator.ErrInvalid, outboxKeyMax)
	case m.Kind == "":
		return fmt.Errorf("%w: outbox message %s has no kind", orchestrator.ErrInvalid, m.Key)
	case len(m.Payload) == 0:
		return fmt.Errorf("%w: outbox message %s has no payload", orchestrator.ErrInvalid, m.Key)
	}
	return nil
}

// addOutboxTx adds m, created at, unless a message with its key exists
// (the first one stays as it is, sent or not).
func (s *Store) addOutboxTx(ctx context.Context, tx *sql.Tx, m orchestrator.OutboxMessage, at time.Time) error {
	_, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO outbox (key, kind, payload, created_at, next_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`), m.Key, m.Kind, string(m.Payload), s.d.ts(at), s.d.ts(at))
	if err != nil {
		return fmt.Errorf("add outbox message %s: %w", m.Key, err)
	}
	return nil
}

// CreateRunJob records r unless a run with its ID exists and adds m unless
// a message with its key exists, in one transaction.
func (s *Store) CreateRunJob(ctx context.Context, r orchestrator.Run, m orchestrator.OutboxMessage) (orchestrator.Run, bool, error) {
	if r.ID == "" || r.Bot == "" {
		return orchestrator.Run{}, false, fmt.Errorf("sqlstore: create run: %w: run needs an id and a bot", orchestrator.ErrInvalid)
	}
	if err := validMessage(m); err != nil {
		return orchestrator.Run{}, false, fmt.Errorf("sqlstore: create run %s: %w", r.ID, err)
	}
	if r.Status == "" {
		r.Status = orchestrator.RunQueued
	}
	if r.Slot == "" {
		r.Slot = orchestrator.SlotManual
	}
	at := s.orNow(r.QueuedAt)
	var (
		out     orchestrator.Run
		created bool
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanRun(tx.QueryRowContext(ctx, s.d.q(`INSERT INTO bot_runs (id, bot, slot, status, queued_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING `+runColumns),
			r.ID, r.Bot, r.Slot, string(r.Status), s.d.ts(at)))
		created = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			out, err = scanRun(tx.QueryRowContext(ctx, s.d.q(`SELECT `+runColumns+` FROM bot_runs WHERE id = ?`), r.ID))
		}
		if err != nil {
			return err
		}
		return s.addOutboxTx(ctx, tx, m, at)
	})
	if err != nil {
		return orchestrator.Run{}, false, fmt.Errorf("sqlstore: create run %s: %w", r.ID, translate(err))
	}
	return out, created, nil
}

// ClaimOutbox takes up to limit unsent messages whose next_at has come,
// oldest first, and moves their next_at to until. On PostgreSQL the
// candidates are locked with SKIP LOCKED, so dispatchers in several
// processes claim disjoint messages without waiting on each other; SQLite
// has one writer at a time, which gives the same.
func (s *Store) ClaimOutbox(ctx context.Context, now, until time.Time, limit int) ([]orchestrator.OutboxMessage, error) {
	if limit <= 0 {
		limit = 100
	}
	lock := ""
	if s.d.name == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []orchestrator.OutboxMessage
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.d.q(`UPDATE outbox SET next_at = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_at <= ? ORDER BY next_at, id LIMIT ?`+lock+`)
			RETURNING `+outboxColumns), s.d.ts(until), s.d.ts(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claim outbox: %w", translate(err))
	}
	// RETURNING keeps no order.
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// OutboxSent marks the message sent.
func (s *Store) OutboxSent(ctx context.Context, key string, at time.Time) error {
	return s.outboxSet(ctx, key, `sent_at = ?, last_error = ''`, s.d.ts(s.orNow(at)))
}

// OutboxFailed records why sending failed and when to try again.
func (s *Store) OutboxFailed(ctx context.Context, key, reason string, retryAt time.Time) error {
	const max = 500
	if len(reason) > max {
		reason = reason[:max]
	}
	return s.outboxSet(ctx, key, `last_error = ?, next_at = ?`, reason, s.d.ts(s.orNow(retryAt)))
}

func (s *Store) outboxSet(ctx context.Context, key, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.d.q(`UPDATE outbox SET `+set+` WHERE key = ? AND sent_at IS NULL`), append(args, key)...)
	if err != nil {
		return fmt.Errorf("sqlstore: outbox message %s: %w", key, translate(err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		// Sent already (by another dispatcher), or no such message.
		if _, err := s.OutboxMessage(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// OutboxMessage returns one message by key.
func (s *Store) OutboxMessage(ctx context.Context, key string) (orchestrator.OutboxMessage, error) {
	m, err := scanOutbox(s.db.QueryRowContext(ctx, s.d.q(`SELECT `+outboxColumns+` FROM outbox WHERE key = ?`), key))
	if err != nil {
		return m, fmt.Errorf("sqlstore: outbox message %s: %w", key, translate(err))
	}
	return m, nil
}

// OutboxStats counts the unsent messages and finds the oldest.
func (s *Store) OutboxStats(ctx context.Context) (orchestrator.OutboxStats, error) {
	var (
		st     orchestrator.OutboxStats
		oldest time.Time
	)
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(created_at) FROM outbox WHERE sent_at IS NULL`).
		Scan(&st.Unsent, timeScan{&oldest})
	if err != nil {
		return st, fmt.Errorf("sqlstore: outbox stats: %w", translate(err))
	}
	st.OldestUnsent = oldest
	return st, nil
}

// PruneOutbox deletes up to limit messages sent before before, oldest
// first (limit <= 0 means 1000), and returns how many it deleted. Unsent
// messages stay whatever their age.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 1000
	}
	res, err := s.db.ExecContext(ctx, s.d.q(`DELETE FROM outbox WHERE id IN
		(SELECT id FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? ORDER BY sent_at, id LIMIT ?)`), s.d.ts(before), limit)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: prune outbox: %w", translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: prune outbox: %w", err)
	}
	return int(n), nil
}

func scanOutbox(r rowScanner) (orchestrator.OutboxMessage, error) {
	var (
		m       orchestrator.OutboxMessage
		payload string
	)
	err := r.Scan(&m.Key, &m.Kind, &payload, timeScan{&m.CreatedAt}, timeScan{&m.NextAt}, timeScan{&m.SentAt}, &m.Attempts, &m.LastError)
	m.Payload = []byte(payload)
	return m, err
}
