package bots

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestKeptSessionServesTheNextRunOfItsTarget: a session handed back with
// Keep reaches the next run of the same target still holding its cookies;
// another target, a closed session and an expired one start afresh, and
// parked sessions never outnumber the contexts.
func TestKeptSessionServesTheNextRunOfItsTarget(t *testing.T) {
	t.Parallel()
	srv := portal(t)
	var kept, fresh atomic.Int32
	p := newTestPool(t, PoolConfig{Contexts: 1, KeepIdle: 3 * time.Second, OnSession: func(k bool) {
		if k {
			kept.Add(1)
		} else {
			fresh.Add(1)
		}
	}})
	ctx := context.Background()
	alice := Target{Portal: "a", BaseURL: srv.URL, Username: "alice"}
	bob := Target{Portal: "a", BaseURL: srv.URL, Username: "bob"}
	session := func(tg Target) *Session {
		t.Helper()
		s, err := p.Session(ctx, tg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// The first run's context ends with the run; the kept session must not
	// depend on it.
	runCtx, endRun := context.WithCancel(ctx)
	s, err := p.Session(runCtx, alice)
	if err != nil {
		t.Fatal(err)
	}
	visit(t, s, srv.URL+"/set?v=alice")
	if err := s.Keep(); err != nil {
		t.Fatalf("Keep: %v", err)
	}
	endRun()
	if st := p.Stats(); st.Parked != 1 || st.InUse != 0 {
		t.Fatalf("after Keep: parked %d, in use %d; want 1 and 0", st.Parked, st.InUse)
	}
	s = session(alice)
	if u, err := s.URL(ctx); err != nil || u != srv.URL+"/set?v=alice" {
		t.Fatalf("kept session's URL = %q, %v; want the page the last run left", u, err)
	}
	if got := visit(t, s, srv.URL+"/get"); got != "alice" {
		t.Fatalf("kept session's cookie = %q, want alice", got)
	}
	if st := p.Stats(); st.Reused != 1 {
		t.Fatalf("reused = %d, want 1", st.Reused)
	}
	if err := s.Keep(); err != nil {
		t.Fatal(err)
	}

	// Another user of the same portal never sees alice's session, and with
	// one context her parked one makes room.
	s = session(bob)
	if got := visit(t, s, srv.URL+"/get"); got != "none" {
		t.Fatalf("bob sees cookie %q from alice's kept session", got)
	}
	if st := p.Stats(); st.Parked != 0 {
		t.Fatalf("parked = %d with one context in use, want 0", st.Parked)
	}
	visit(t, s, srv.URL+"/set?v=bob")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = session(bob)
	if got := visit(t, s, srv.URL+"/get"); got != "none" {
		t.Fatalf("a closed session was reused: cookie %q", got)
	}
	if err := s.Keep(); err != nil {
		t.Fatal(err)
	}

	// Past KeepIdle the parked session is disposed of, not reused.
	time.Sleep(3500 * time.Millisecond)
	before := p.Stats().Reused
	s = session(bob)
	defer s.Close()
	if st := p.Stats(); st.Reused != before || st.Parked != 0 {
		t.Fatalf("expired session: reused %d (was %d), parked %d; want no reuse", st.Reused, before, st.Parked)
	}
	if k, f := kept.Load(), fresh.Load(); k != 1 || f != 4 {
		t.Errorf("OnSession saw %d kept and %d new sessions, want 1 and 4", k, f)
	}
}
