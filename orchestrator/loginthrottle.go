package orchestrator

import (
	"context"
	"fmt"
	"time"
)

// LoginLimit is how one login throttle key slows guessing: the first Free
// attempts within Window pass at once; after that each attempt must wait
// Base, doubled for every further attempt, at most Max. A key with no
// attempt for Window starts over. A slowed key is never locked: its next
// attempt is at most Max away.
type LoginLimit struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Window time.Duration
}

// Delay is how long after its n-th counted attempt a key must wait.
func (l LoginLimit) Delay(n int) time.Duration {
	if n < l.Free {
		return 0
	}
	d := l.Base
	for i := l.Free; i < n && d < l.Max; i++ {
		d *= 2
	}
	return min(d, l.Max)
}

// Validate reports a limit that could not slow anything.
func (l LoginLimit) Validate() error {
	if l.Free < 1 || l.Base <= 0 || l.Max < l.Base || l.Window < l.Max {
		return fmt.Errorf("%w: login limit %+v: want Free >= 1 and 0 < Base <= Max <= Window", ErrInvalid, l)
	}
	return nil
}

// LoginKeyMax bounds a throttle key: callers hash user names rather than
// storing what was typed.
const LoginKeyMax = 128

// LoginKey is one counter a login attempt is charged to (an account, a
// source address, a known device) with its limit.
type LoginKey struct {
	Key   string
	Limit LoginLimit
}

// LoginThrottle keeps login attempt counters in the shared store, so every
// serve process draws on one budget and a restart forgets nothing.
type LoginThrottle interface {
	// TakeLoginAttempt charges one attempt at now to every key, all or
	// none, before the password is checked: when any key must still wait,
	// nothing is charged and the longest wait is returned. Concurrent
	// calls are serialised per key.
	TakeLoginAttempt(ctx context.Context, now time.Time, keys ...LoginKey) (time.Duration, error)
	// RefundLoginAttempt takes back one attempt charged to k (a success
	// from a source address is not a guess).
	RefundLoginAttempt(ctx context.Context, k LoginKey) error
	// ResetLoginKey clears key's attempts and keeps its row until now+keep
	// (a device that logged in is remembered this way).
	ResetLoginKey(ctx context.Context, key string, now time.Time, keep time.Duration) error
	// LoginKeyKnown reports whether key has a row kept past now.
	LoginKeyKnown(ctx context.Context, key string, now time.Time) (bool, error)
	// PruneLoginThrottle deletes rows no longer kept at now.
	PruneLoginThrottle(ctx context.Context, now time.Time) (int64, error)
}
