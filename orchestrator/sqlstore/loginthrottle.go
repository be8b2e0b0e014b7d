package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

var _ orchestrator.LoginThrottle = (*Store)(nil)

// throttleTries bounds the compare-and-swap retries of one attempt; past
// it (dozens of attempts racing on one key) the attempt waits throttleBusy.
const (
	throttleTries = 8
	throttleBusy  = time.Second
)

// errLostRace and errMustWait roll a charge back: a concurrent attempt
// changed a row first, or a key must still wait.
var (
	errLostRace = errors.New("sqlstore: login throttle row changed concurrently")
	errMustWait = errors.New("sqlstore: login throttle key must wait")
)

// TakeLoginAttempt charges one attempt to every key, all or none. Each
// key's row is read and then updated only if its version is unchanged, so
// of two concurrent attempts on one key exactly one is charged against
// the state it read; the other reads again. Keys are taken in sorted order
// so concurrent transactions lock rows in the same order.
func (s *Store) TakeLoginAttempt(ctx context.Context, now time.Time, keys ...orchestrator.LoginKey) (time.Duration, error) {
	keys = slices.Clone(keys)
	for _, k := range keys {
		if k.Key == "" || len(k.Key) > orchestrator.LoginKeyMax {
			return 0, fmt.Errorf("sqlstore: login attempt: %w: key of %d bytes, want 1 to %d", orchestrator.ErrInvalid, len(k.Key), orchestrator.LoginKeyMax)
		}
		if err := k.Limit.Validate(); err != nil {
			return 0, fmt.Errorf("sqlstore: login attempt: %w", err)
		}
	}
	slices.SortFunc(keys, func(a, b orchestrator.LoginKey) int { return strings.Compare(a.Key, b.Key) })
	keys = slices.CompactFunc(keys, func(a, b orchestrator.LoginKey) bool { return a.Key == b.Key })
	now = dbTime(now)
	for range throttleTries {
		var wait time.Duration
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			for _, k := range keys {
				w, err := s.chargeKey(ctx, tx, now, k)
				if err != nil {
					return err
				}
				wait = max(wait, w)
			}
			if wait > 0 {
				return errMustWait
			}
			return nil
		})
		switch {
		case errors.Is(err, errMustWait):
			return wait, nil
		case errors.Is(err, errLostRace):
			continue
		case err != nil:
			return 0, fmt.Errorf("sqlstore: login attempt: %w", err)
		}
		return 0, nil
	}
	return throttleBusy, nil
}

// chargeKey charges one attempt to k inside tx, or returns how long k
// must still wait (charging nothing).
func (s *Store) chargeKey(ctx context.Context, tx *sql.Tx, now time.Time, k orchestrator.LoginKey) (time.Duration, error) {
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO login_throttle (key, attempts, version, last_at, next_at, keep_until)
		VALUES (?, 0, 0, ?, ?, ?) ON CONFLICT (key) DO NOTHING`), k.Key, s.d.ts(now), s.d.ts(now), s.d.ts(now)); err != nil {
		return 0, err
	}
	var (
		attempts, version        int64
		lastAt, nextAt, keepTill time.Time
	)
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT attempts, version, last_at, next_at, keep_until FROM login_throttle WHERE key = ?`), k.Key).
		Scan(&attempts, &version, timeScan{&lastAt}, timeScan{&nextAt}, timeScan{&keepTill})
	if err != nil {
		return 0, err
	}
	if now.Before(nextAt) {
		return nextAt.Sub(now), nil
	}
	if now.Sub(lastAt) >= k.Limit.Window {
		attempts = 0
	}
	attempts++
	keepTill = maxTime(keepTill, now.Add(k.Limit.Window))
	res, err := tx.ExecContext(ctx, s.d.q(`UPDATE login_throttle SET attempts = ?, version = version + 1, last_at = ?, next_at = ?, keep_until = ?
		WHERE key = ? AND version = ?`),
		attempts, s.d.ts(now), s.d.ts(now.Add(k.Limit.Delay(int(attempts)))), s.d.ts(keepTill), k.Key, version)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, errors.Join(errLostRace, err)
	}
	return 0, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// RefundLoginAttempt takes back one attempt; when that brings the key
// under its free attempts, its wait ends too.
func (s *Store) RefundLoginAttempt(ctx context.Context, k orchestrator.LoginKey) error {
	_, err := s.db.ExecContext(ctx, s.d.q(`UPDATE login_throttle
		SET attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
		    next_at = CASE WHEN attempts - 1 < ? THEN last_at ELSE next_at END,
		    version = version + 1
		WHERE key = ?`), k.Limit.Free, k.Key)
	if err != nil {
		return fmt.Errorf("sqlstore: refund login attempt: %w", err)
	}
	return nil
}

// ResetLoginKey clears key's attempts and keeps its row until now+keep.
func (s *Store) ResetLoginKey(ctx context.Context, key string, now time.Time, keep time.Duration) error {
	if key == "" || len(key) > orchestrator.LoginKeyMax {
		return fmt.Errorf("sqlstore: reset login key: %w: key of %d bytes", orchestrator.ErrInvalid, len(key))
	}
	_, err := s.db.ExecContext(ctx, s.d.q(`INSERT INTO login_throttle (key, attempts, version, last_at, next_at, keep_until)
		VALUES (?, 0, 0, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET attempts = 0, version = login_throttle.version + 1,
			next_at = excluded.next_at, keep_until = excluded.keep_until`),
		key, s.d.ts(now), s.d.ts(now), s.d.ts(now.Add(keep)))
	if err != nil {
		return fmt.Errorf("sqlstore: reset login key: %w", err)
	}
	return nil
}

// LoginKeyKnown reports whether key has a row kept past now.
func (s *Store) LoginKeyKnown(ctx context.Context, key string, now time.Time) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, s.d.q(`SELECT 1 FROM login_throttle WHERE key = ? AND keep_until > ?`), key, s.d.ts(now)).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("sqlstore: login key: %w", err)
	}
	return true, nil
}

// PruneLoginThrottle deletes rows no longer kept at now.
func (s *Store) PruneLoginThrottle(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.q(`DELETE FROM login_throttle WHERE keep_until <= ?`), s.d.ts(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: prune login throttle: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: prune login throttle: %w", err)
	}
	return n, nil
}
