package polite_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/bottest"
	"github.com/docket-rpa/docket/bots/flow"
	"github.com/docket-rpa/docket/bots/polite"
	"github.com/docket-rpa/docket/bots/portalsim"
)

// TestFleetHonoursPortalCaps runs three workers' browser pools of four
// contexts each (in this process, sharing one Redis as separate docket
// worker processes would) with twelve runs against one portal capped at
// 2 sessions and 20 requests a second. The portal's own counters must show
// the caps held, and every run must read every account exactly once.
func TestFleetHonoursPortalCaps(t *testing.T) {
	const (
		workers, contexts = 3, 4
		maxSessions, rps  = 2, 20
		accounts          = 12
	)
	rdb, prefix := testRedis(t)
	portal, err := portalsim.NewCodingWorklist(portalsim.Config{Seed: 15, Accounts: accounts,
		Now: func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	traffic := portalsim.NewTraffic(portal.SessionCookie())
	srv := httptest.NewServer(traffic.Wrap(portal))
	t.Cleanup(srv.Close)
	user, pass := portal.Credentials()
	target := bots.Target{Portal: "coding-worklist", BaseURL: srv.URL, Username: user, Password: pass, TOTPSecret: portal.TOTPSecret()}

	ps, err := flow.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// The coding-holds flow, at the portal's own page size.
	bot, err := flow.New(flow.Config{Pack: ps["coding-worklist"], Flow: "coding-holds", Backoff: 5 * time.Millisecond, PageSize: -1})
	if err != nil {
		t.Fatal(err)
	}

	var pools []*bots.Pool
	for w := 0; w < workers; w++ {
		lim, err := polite.New(polite.Config{Client: rdb, Prefix: prefix,
			Portals: map[string]polite.Limits{"coding-worklist": {Sessions: maxSessions, RequestsPerSecond: rps}}})
		if err != nil {
			t.Fatal(err)
		}
		pool, err := bots.NewPool(bots.PoolConfig{Contexts: contexts, Subreaper: true, Politeness: lim})
		if err != nil {
			t.Fatal(err)
		}
		if err := pool.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Stop)
		pools = append(pools, pool)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	truth := portal.Accounts()
	start := time.Now()
	var wg sync.WaitGroup
	for w, pool := range pools {
		for c := 0; c < contexts; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := pool.Session(ctx, target)
				if err != nil {
					t.Errorf("worker %d run %d: session: %v", w, c, err)
					return
				}
				defer s.Close()
				rec := &bottest.Recorder{}
				if err := bot.Run(ctx, s, rec); err != nil {
					t.Errorf("worker %d run %d: %v", w, c, err)
					return
				}
				seen := map[string]int{}
				for _, o := range rec.Obs {
					seen[o.ExternalID]++
				}
				for _, a := range truth {
					if seen[a.Number] != 1 {
						t.Errorf("worker %d run %d read account %s %d times", w, c, a.Number, seen[a.Number])
					}
				}
				if len(rec.Obs) != len(truth) {
					t.Errorf("worker %d run %d: %d observations for %d accounts", w, c, len(rec.Obs), len(truth))
				}
			}()
		}
	}
	wg.Wait()
	t.Logf("%d runs in %s: portal saw %d requests, %d sessions, at most %d at once and %d in one second",
		workers*contexts, time.Since(start).Round(time.Millisecond), traffic.Requests(), traffic.Sessions(),
		traffic.MaxSessions(), traffic.MaxPerSecond())
	if n := traffic.MaxSessions(); n > maxSessions {
		t.Errorf("portal saw %d sessions at once, cap %d", n, maxSessions)
	}
	if n := traffic.MaxPerSecond(); n > rps {
		t.Errorf("portal saw %d requests in one second, cap %d", n, rps)
	}
	if n := traffic.Sessions(); n < workers*contexts {
		t.Errorf("portal saw %d sessions for %d runs", n, workers*contexts)
	}
}
