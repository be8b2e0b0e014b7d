package polite_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/polite"
)

// A worker that dies holding a slot frees it when its lease runs out; a
// live holder keeps its slot past the lease by refreshing it.
func TestSessionLeases(t *testing.T) {
	rdb, prefix := testRedis(t)
	cfg := polite.Config{Client: rdb, Prefix: prefix, Lease: 600 * time.Millisecond, Poll: 20 * time.Millisecond,
		Default: polite.Limits{Sessions: 1}}
	a, err := polite.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	release, err := a.Session(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	// Held and refreshed: a second holder waits past two leases in vain.
	short, cancel := context.WithTimeout(ctx, 1300*time.Millisecond)
	_, err = a.Session(short, "p")
	cancel()
	if err == nil {
		t.Fatal("a second session got the only slot while the first was held")
	}
	release()
	release() // twice is fine
	r2, err := a.Session(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	defer r2()

	// A dead worker's slot: taken by hand, never refreshed.
	if err := rdb.ZAdd(ctx, prefix+"sessions:{q}", redisZ(time.Now().Add(500*time.Millisecond), "dead")).Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r3, err := a.Session(ctx, "q")
	if err != nil {
		t.Fatal(err)
	}
	r3()
	if waited := time.Since(start); waited < 400*time.Millisecond || waited > 2*time.Second {
		t.Errorf("took the dead worker's slot after %s, want about its lease's 500ms", waited)
	}
}

// A 429 with Retry-After seen by one worker holds back every worker's
// requests to that portal, and no other portal's.
func TestPauseSlowsTheFleet(t *testing.T) {
	rdb, prefix := testRedis(t)
	a, _ := polite.New(polite.Config{Client: rdb, Prefix: prefix})
	b, _ := polite.New(polite.Config{Client: rdb, Prefix: prefix})
	ctx := context.Background()
	d := bots.RetryAfter(http.StatusTooManyRequests, http.Header{"Retry-After": {"1"}}, time.Now())
	if d != time.Second {
		t.Fatalf("Retry-After 1 read as %s", d)
	}
	if err := a.Pause(ctx, "p", d); err != nil {
		t.Fatal(err)
	}
	if err := a.Pause(ctx, "p", 10*time.Millisecond); err != nil { // a shorter pause does not shorten it
		t.Fatal(err)
	}
	start := time.Now()
	if err := b.Request(ctx, "other"); err != nil || time.Since(start) > 200*time.Millisecond {
		t.Fatalf("another portal waited %s (%v)", time.Since(start), err)
	}
	if err := b.Request(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("the other worker waited %s for a paused portal, want about 1s", waited)
	}
	if got := bots.RetryAfter(http.StatusTooManyRequests, nil, time.Now()); got != bots.PauseDefault {
		t.Errorf("429 without Retry-After pauses %s", got)
	}
	if got := bots.RetryAfter(http.StatusOK, http.Header{"Retry-After": {"9"}}, time.Now()); got != 0 {
		t.Errorf("200 pauses %s", got)
	}
}

// Bad limits are one-line errors.
func TestNewRejectsBadConfig(t *testing.T) {
	rdb, _ := testRedis(t)
	if _, err := polite.New(polite.Config{}); err == nil {
		t.Error("no client accepted")
	}
	if _, err := polite.New(polite.Config{Client: rdb, Portals: map[string]polite.Limits{"p": {Sessions: -1}}}); err == nil {
		t.Error("negative sessions accepted")
	}
}
