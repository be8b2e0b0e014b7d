package sqlstore

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

var testLimit = orchestrator.LoginLimit{Free: 3, Base: time.Second, Max: 8 * time.Second, Window: time.Minute}

// testLoginThrottle checks the shared login throttle: free attempts, the
// doubling wait and its cap, the window, all-or-none charging, refunds,
// resets, pruning and bounded keys.
func testLoginThrottle(t *testing.T, s *Store) {
	ctx := ctxT(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	acct := orchestrator.LoginKey{Key: "user:ana", Limit: testLimit}
	take := func(at time.Time, keys ...orchestrator.LoginKey) time.Duration {
		t.Helper()
		w, err := s.TakeLoginAttempt(ctx, at, keys...)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for i := range testLimit.Free {
		if w := take(now, acct); w != 0 {
			t.Fatalf("free attempt %d waits %s", i+1, w)
		}
	}
	// The third attempt set a wait of Base; then it doubles up to Max.
	if w := take(now, acct); w != time.Second {
		t.Fatalf("after %d attempts: wait %s, want 1s", testLimit.Free, w)
	}
	at := now
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		at = at.Add(take(at, acct))
		if w := take(at, acct); w != 0 {
			t.Fatalf("at the end of the wait: %s more", w)
		}
		if w := take(at, acct); w != min(2*want, testLimit.Max) {
			t.Fatalf("wait %s, want %s", w, min(2*want, testLimit.Max))
		}
	}
	// A quiet window starts the key over.
	at = at.Add(testLimit.Window + testLimit.Max)
	for i := range testLimit.Free {
		if w := take(at, acct); w != 0 {
			t.Fatalf("after the window, attempt %d waits %s", i+1, w)
		}
	}

	// All or none: a waiting key charges nothing to the other.
	addr := orchestrator.LoginKey{Key: "addr:192.0.2.1", Limit: testLimit}
	if w := take(at, addr, acct); w == 0 {
		t.Fatal("a waiting key let the attempt through")
	}
	for i := range testLimit.Free {
		if w := take(at, addr); w != 0 {
			t.Fatalf("addr attempt %d waits %s: the refused attempt was charged to it", i+1, w)
		}
	}
	// A refund under the free attempts ends the wait.
	if err := s.RefundLoginAttempt(ctx, addr); err != nil {
		t.Fatal(err)
	}
	if w := take(at, addr); w != 0 {
		t.Fatalf("after a refund: wait %s", w)
	}
	// A reset clears the key and keeps it known until asked.
	if err := s.ResetLoginKey(ctx, acct.Key, at, time.Hour); err != nil {
		t.Fatal(err)
	}
	if w := take(at, acct); w != 0 {
		t.Fatalf("after a reset: wait %s", w)
	}
	if ok, err := s.LoginKeyKnown(ctx, acct.Key, at.Add(59*time.Minute)); err != nil || !ok {
		t.Fatalf("reset key known: %v %v", ok, err)
	}
	if ok, err := s.LoginKeyKnown(ctx, "device:never", at); err != nil || ok {
		t.Fatalf("unknown key known: %v %v", ok, err)
	}
	n, err := s.PruneLoginThrottle(ctx, at.Add(2*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d rows (%v), want 2", n, err)
	}
	if ok, _ := s.LoginKeyKnown(ctx, acct.Key, at); ok {
		t.Fatal("a pruned key is still known")
	}
	// Keys are bounded; limits must slow something.
	_, err = s.TakeLoginAttempt(ctx, at, orchestrator.LoginKey{Key: strings.Repeat("x", 60_000), Limit: testLimit})
	wantErr(t, err, orchestrator.ErrInvalid)
	_, err = s.TakeLoginAttempt(ctx, at, orchestrator.LoginKey{Key: "user:x", Limit: orchestrator.LoginLimit{}})
	wantErr(t, err, orchestrator.ErrInvalid)
	wantErr(t, s.ResetLoginKey(ctx, "", at, time.Hour), orchestrator.ErrInvalid)
}

// testLoginThrottleConcurrent: 40 attempts at once on one key get exactly
// the free ones through, on any number of connections.
func testLoginThrottleConcurrent(t *testing.T, s *Store) {
	ctx := ctxT(t)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	limit := orchestrator.LoginLimit{Free: 5, Base: time.Second, Max: time.Minute, Window: 15 * time.Minute}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		passed int
	)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := s.TakeLoginAttempt(ctx, now, orchestrator.LoginKey{Key: "user:ana", Limit: limit},
				orchestrator.LoginKey{Key: "addr:192.0.2.1", Limit: limit})
			if err != nil {
				t.Error(err)
				return
			}
			if w == 0 {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if passed != limit.Free {
		t.Fatalf("%d of 40 concurrent attempts passed, want %d", passed, limit.Free)
	}
}
