package polite_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/polite"
)

// startPool starts a pool paced by lim, stopped when the test ends.
func startPool(t *testing.T, contexts int, lim bots.Politeness) *bots.Pool {
	t.Helper()
	pool, err := bots.NewPool(bots.PoolConfig{Contexts: contexts, Subreaper: true, Politeness: lim})
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Stop)
	return pool
}

// A run waiting for its portal's session slot holds no browser context:
// another portal's run gets the free one at once.
func TestWaitingRunHoldsNoBrowserContext(t *testing.T) {
	rdb, prefix := testRedis(t)
	var waits atomic.Int64
	lim, err := polite.New(polite.Config{Client: rdb, Prefix: prefix, Poll: 20 * time.Millisecond,
		Portals:    map[string]polite.Limits{"a": {Sessions: 1}},
		OnWait:     func(portal, what string, d time.Duration) { waits.Add(1) },
		OnSessions: func(string, int) {}})
	if err != nil {
		t.Fatal(err)
	}
	pool := startPool(t, 2, lim)
	ctx := context.Background()
	a1, err := pool.Session(ctx, bots.Target{Portal: "a", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	waiting, cancelWait := context.WithCancel(ctx)
	a2done := make(chan error, 1)
	go func() {
		s, err := pool.Session(waiting, bots.Target{Portal: "a", BaseURL: "http://127.0.0.1:1"})
		if err == nil {
			_ = s.Close()
		}
		a2done <- err
	}()
	time.Sleep(200 * time.Millisecond) // a2 is waiting for portal a's only slot
	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	b, err := pool.Session(bctx, bots.Target{Portal: "b", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatalf("portal b's run got no browser context while a run waited for portal a: %v", err)
	}
	_ = b.Close()
	select {
	case err := <-a2done:
		t.Fatalf("the second run of portal a got a session while the first held the only slot (%v)", err)
	default:
	}
	_ = a1.Close()
	if err := <-a2done; err != nil {
		t.Fatalf("the waiting run got no session after the slot was freed: %v", err)
	}
	cancelWait()
	if waits.Load() == 0 {
		t.Error("no wait was reported")
	}
	if st := pool.Stats(); st.InUse != 0 {
		t.Errorf("%d contexts still in use", st.InUse)
	}
}

// A 429 with Retry-After met by one worker's fetch pauses the portal for
// every worker, and the fetch gets the page after the pause.
func TestFetch429PausesTheFleet(t *testing.T) {
	rdb, prefix := testRedis(t)
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 2 { // the first is the browser's navigation
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte("<html><body><p>ok</p></body></html>"))
	}))
	t.Cleanup(srv.Close)
	lim, _ := polite.New(polite.Config{Client: rdb, Prefix: prefix})
	pool := startPool(t, 1, lim)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := pool.Session(ctx, bots.Target{Portal: "p", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := bots.Open(ctx, s, nil, "", "home", srv.URL+"/", bots.Retries{}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := s.Fetcher(ctx, []string{srv.URL + "/page"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var got bots.Fetched
	if err := f.Fetch(ctx, []string{srv.URL + "/page"}, func(_ int, p bots.Fetched) { got = p }); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if got.Status != http.StatusOK || took < 900*time.Millisecond {
		t.Fatalf("fetch answered %d after %s, want 200 after the 1 s pause", got.Status, took)
	}
	// The pause was the fleet's: set in Redis, seen by another worker.
	ttl, err := rdb.PTTL(ctx, prefix+"pause:{p}").Result()
	if err != nil || ttl <= 0 {
		t.Fatalf("no fleet-wide pause key (ttl %s, %v)", ttl, err)
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("portal answered %d requests, want 3 (navigation, 429, retry)", n)
	}
}
