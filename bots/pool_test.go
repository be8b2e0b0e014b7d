package bots

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
)

// newTestPool starts a pool and stops it at cleanup. Subreaper is on so
// the zombie assertions hold on a machine whose init does not reap.
func newTestPool(t *testing.T, cfg PoolConfig) *Pool {
	t.Helper()
	cfg.Subreaper = true
	p, err := NewPool(cfg)
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}
	start := time.Now()
	if err := p.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("launch took %s", time.Since(start))
	t.Cleanup(p.Stop)
	return p
}

// portal serves a cookie jar probe and a page that never finishes loading.
func portal(t *testing.T) *httptest.Server {
	t.Helper()
	hang := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: r.URL.Query().Get("v")})
		fmt.Fprint(w, "<p id=out>set</p>")
	})
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		v := "none"
		if err == nil {
			v = c.Value
		}
		fmt.Fprintf(w, "<p id=out>%s</p>", v)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(hang) }) // runs first: frees hanging handlers
	return srv
}

// openSession takes a session for target from p, closed when the test ends.
func openSession(t *testing.T, p *Pool, target Target) *Session {
	t.Helper()
	s, err := p.Session(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// visit navigates and returns the body text.
func visit(t *testing.T, s *Session, url string) string {
	t.Helper()
	var text string
	err := s.Step(context.Background(), "visit", func(p *rod.Page) error {
		if err := p.Navigate(url); err != nil {
			return err
		}
		if err := p.WaitLoad(); err != nil {
			return err
		}
		res, err := p.Eval(`() => document.body.innerText`)
		if err != nil {
			return err
		}
		text = strings.TrimSpace(res.Value.Str())
		return nil
	})
	if err != nil {
		t.Fatalf("visit %s: %v", url, err)
	}
	return text
}

func TestPoolSessionsAreIsolated(t *testing.T) {
	t.Parallel()
	srv := portal(t)
	p := newTestPool(t, PoolConfig{Contexts: 2})
	ctx := context.Background()

	start := time.Now()
	a, err := p.Session(ctx, Target{Portal: "a"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("session create took %s", time.Since(start))
	defer a.Close()
	b, err := p.Session(ctx, Target{Portal: "b"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	visit(t, a, srv.URL+"/set?v=alice")
	if got := visit(t, a, srv.URL+"/get"); got != "alice" {
		t.Fatalf("session a cookie = %q, want alice", got)
	}
	if got := visit(t, b, srv.URL+"/get"); got != "none" {
		t.Fatalf("session b sees cookie %q; contexts are not isolated", got)
	}

	var ua string
	var w, h int
	err = b.Step(ctx, "identity", func(p *rod.Page) error {
		res, err := p.Eval(`() => [navigator.userAgent, innerWidth, innerHeight]`)
		if err != nil {
			return err
		}
		arr := res.Value.Arr()
		ua, w, h = arr[0].Str(), arr[1].Int(), arr[2].Int()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ua != UserAgentDefault || w != viewportWidth || h != viewportHeight {
		t.Errorf("page identity = %q %dx%d, want %q %dx%d", ua, w, h, UserAgentDefault, viewportWidth, viewportHeight)
	}

	// A closed session's cookies do not reach the next one.
	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	c, err := p.Session(ctx, Target{Portal: "c"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := visit(t, c, srv.URL+"/get"); got != "none" {
		t.Fatalf("new session sees cookie %q from a closed one", got)
	}
}

func TestPoolBoundsContexts(t *testing.T) {
	t.Parallel()
	var waits []time.Duration
	var mu sync.Mutex
	p := newTestPool(t, PoolConfig{Contexts: 2, OnSessionWait: func(d time.Duration) {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
	}})
	ctx := context.Background()
	a, err := p.Session(ctx, Target{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Session(ctx, Target{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if st := p.Stats(); st.InUse != 2 || st.Capacity != 2 {
		t.Fatalf("Stats = %+v, want 2 of 2 in use", st)
	}

	third := make(chan error, 1)
	var s3 *Session
	go func() {
		var err error
		s3, err = p.Session(ctx, Target{})
		third <- err
	}()
	select {
	case err := <-third:
		t.Fatalf("third Session returned (%v) while both contexts were in use", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-third:
		if err != nil {
			t.Fatalf("third Session after a Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("third Session still blocked after a Close")
	}
	defer s3.Close()

	// Full again: a cancelled ctx unblocks the waiter with its error.
	cctx, cancel := context.WithCancel(ctx)
	fourth := make(chan error, 1)
	go func() {
		_, err := p.Session(cctx, Target{})
		fourth <- err
	}()
	time.AfterFunc(100*time.Millisecond, cancel)
	select {
	case err := <-fourth:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Session error = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not unblock Session")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != 4 {
		t.Errorf("OnSessionWait called %d times, want 4", len(waits))
	}
}

func TestStepDeadline(t *testing.T) {
	t.Parallel()
	srv := portal(t)
	const timeout = time.Second
	p := newTestPool(t, PoolConfig{StepTimeout: timeout})
	s, err := p.Session(context.Background(), Target{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	load := func(p *rod.Page) error {
		if err := p.Navigate(srv.URL + "/hang"); err != nil {
			return err
		}
		return p.WaitLoad()
	}

	start := time.Now()
	err = s.Step(context.Background(), "hang", load)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("Step on a hanging page = %v, want a timeout", err)
	}
	if took < timeout || took > timeout+1500*time.Millisecond {
		t.Errorf("Step timed out after %s, want about %s", took, timeout)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	err = s.Step(ctx, "hang", load)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Step = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("cancelled Step returned after %s", took)
	}
}

func TestPoolRelaunchesKilledBrowser(t *testing.T) {
	t.Parallel()
	srv := portal(t)
	var reasons []string
	var mu sync.Mutex
	p := newTestPool(t, PoolConfig{Contexts: 2, OnRestart: func(r string) {
		mu.Lock()
		reasons = append(reasons, r)
		mu.Unlock()
	}})
	ctx := context.Background()
	s, err := p.Session(ctx, Target{})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	held, err := p.Session(ctx, Target{}) // open across the crash
	if err != nil {
		t.Fatal(err)
	}

	old := p.Stats().BrowserPID
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s, err = p.Session(ctx, Target{})
	if err != nil {
		t.Fatalf("Session after kill: %v", err)
	}
	defer s.Close()
	if got := visit(t, s, srv.URL+"/get"); got != "none" {
		t.Fatalf("page after relaunch = %q", got)
	}
	st := p.Stats()
	if st.Restarts != 1 || st.BrowserPID == old || st.BrowserPID == 0 {
		t.Fatalf("Stats after kill = %+v (old pid %d), want 1 restart and a new pid", st, old)
	}
	mu.Lock()
	if len(reasons) != 1 || reasons[0] != "crash" {
		t.Errorf("OnRestart reasons = %v, want [crash]", reasons)
	}
	mu.Unlock()
	assertGroupGone(t, old)

	// The session that lived on the dead browser fails its steps but
	// closes cleanly and gives its slot back.
	if _, err := held.URL(ctx); err == nil {
		t.Error("step on a killed browser succeeded")
	}
	if err := held.Close(); err != nil {
		t.Errorf("Close of a session on a killed browser: %v", err)
	}
	if st := p.Stats(); st.InUse != 1 {
		t.Errorf("InUse = %d after closing the orphaned session, want 1", st.InUse)
	}
}

func TestPoolRecycles(t *testing.T) {
	t.Parallel()
	var reasons []string
	var mu sync.Mutex
	p := newTestPool(t, PoolConfig{RecycleAfter: 2, OnRestart: func(r string) {
		mu.Lock()
		reasons = append(reasons, r)
		mu.Unlock()
	}})
	ctx := context.Background()
	var pids []int
	for i := 0; i < 5; i++ {
		s, err := p.Session(ctx, Target{})
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, p.Stats().BrowserPID)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if pids[0] != pids[1] || pids[1] == pids[2] || pids[2] != pids[3] || pids[3] == pids[4] {
		t.Errorf("browser pids per session = %v, want a new browser every 2 sessions", pids)
	}
	st := p.Stats()
	if st.Restarts != 2 || st.Served != 5 {
		t.Errorf("Stats = %+v, want 2 restarts, 5 served", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(reasons, ",") != "recycle,recycle" {
		t.Errorf("OnRestart reasons = %v", reasons)
	}
	assertGroupGone(t, pids[0])
}

func TestPoolRecycleWaitsForOpenSessions(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, PoolConfig{Contexts: 2, RecycleAfter: 1})
	ctx := context.Background()
	a, err := p.Session(ctx, Target{})
	if err != nil {
		t.Fatal(err)
	}
	old := p.Stats().BrowserPID
	got := make(chan error, 1)
	var b *Session
	go func() {
		var err error
		b, err = p.Session(ctx, Target{})
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Session returned (%v) while the browser due for recycling was in use", err)
	case <-time.After(300 * time.Millisecond):
	}
	// The open session keeps working on the old browser meanwhile.
	if _, err := a.URL(ctx); err != nil {
		t.Fatalf("open session during drain: %v", err)
	}
	_ = a.Close()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if st := p.Stats(); st.Restarts != 1 || st.BrowserPID == old {
		t.Fatalf("Stats = %+v, want a recycled browser", st)
	}
}

// Not parallel: it asserts that this process has no zombie children at
// all, which only holds while no other pool is mid-shutdown.
func TestStopLeavesNoProcesses(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  PoolConfig
	}{
		{"leakless", PoolConfig{Leakless: LeaklessOn}},
		{"pdeathsig", PoolConfig{Leakless: LeaklessOff}},
		{"full-chromium", PoolConfig{Bin: chromiumFull}}, // spawns crashpad handlers
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Contexts, cfg.StopGrace = 2, 200*time.Millisecond
			p := newTestPool(t, cfg)
			ctx := context.Background()
			for i := 0; i < 2; i++ { // left open on purpose: Stop must close them
				if _, err := p.Session(ctx, Target{}); err != nil {
					t.Fatal(err)
				}
			}
			dir, pid := p.DataDir(), p.Stats().BrowserPID
			running := strings.Join(processesMentioning(dir), "\n")
			if running == "" {
				t.Fatalf("no process mentions %s before Stop", dir)
			}
			if tc.cfg.Bin == chromiumFull && !strings.Contains(running, "crashpad") {
				t.Errorf("full chromium's crashpad handlers do not name the user-data-dir:\n%s", running)
			}
			blocked := make(chan error, 1)
			go func() {
				s, err := p.Session(ctx, Target{})
				if err == nil {
					_ = s.Close()
				}
				blocked <- err
			}()

			start := time.Now()
			p.Stop()
			p.Stop() // idempotent
			t.Logf("Stop took %s", time.Since(start))
			if err := <-blocked; !errors.Is(err, ErrPoolStopped) {
				t.Errorf("Session blocked across Stop = %v, want ErrPoolStopped", err)
			}
			if left := processesMentioning(dir); len(left) > 0 {
				t.Errorf("processes left after Stop: %v", left)
			}
			assertGroupGone(t, pid)
			if z := zombieChildren(); len(z) > 0 {
				t.Errorf("zombie children after Stop: %+v", z)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("data dir %s still exists (%v)", dir, err)
			}
			if _, err := p.Session(ctx, Target{}); !errors.Is(err, ErrPoolStopped) {
				t.Errorf("Session after Stop = %v, want ErrPoolStopped", err)
			}
		})
	}
}

// processesMentioning lists live processes whose command line contains s.
func processesMentioning(s string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.Contains(string(cmd), s) || !processRunning(pid) {
			continue
		}
		line := strings.ReplaceAll(string(cmd), "\x00", " ")
		out = append(out, e.Name()+" "+line[:min(len(line), 80)])
	}
	return out
}

// zombieChildren lists our children that exited without being reaped.
func zombieChildren() []procStat {
	ents, _ := os.ReadDir("/proc")
	var out []procStat
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readProcStat(pid); err == nil && st.ppid == os.Getpid() && st.state == 'Z' {
			out = append(out, st)
		}
	}
	return out
}

// assertGroupGone checks that nothing of a browser's process group is left,
// not even a zombie (which keeps its group).
func assertGroupGone(t *testing.T, pgid int) {
	t.Helper()
	if left := processGroup(pgid); len(left) > 0 {
		t.Errorf("process group %d still has %v", pgid, left)
	}
}

// A killed browser comes back without waiting for the next session: the
// worker whose run was retried elsewhere is ready again at once.
func TestPoolRelaunchesKilledBrowserUnasked(t *testing.T) {
	t.Parallel()
	restarted := make(chan string, 2)
	p := newTestPool(t, PoolConfig{Contexts: 1, OnRestart: func(r string) { restarted <- r }})
	old := p.Stats().BrowserPID
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-restarted:
		if r != "crash" {
			t.Fatalf("restart reason %q, want crash", r)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no relaunch 30 s after chromium %d was killed, with no session asked for", old)
	}
	if st := p.Stats(); st.Restarts != 1 || st.BrowserPID == old || st.BrowserPID == 0 {
		t.Fatalf("Stats after kill = %+v (old pid %d), want 1 restart and a new pid", st, old)
	}
}
