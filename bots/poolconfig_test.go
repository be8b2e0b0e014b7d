package bots

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

func TestNewPoolDefaultsAndValidation(t *testing.T) {
	p, err := NewPool(PoolConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c := p.cfg
	if c.Bin != chromiumHeadlessShell || c.Contexts != ContextsDefault || c.RecycleAfter != RecycleAfterDefault ||
		c.StepTimeout != StepTimeoutDefault || c.UserAgent != UserAgentDefault || c.Logger == nil {
		t.Errorf("defaults not applied: %+v", c)
	}
	if st := p.Stats(); st.Capacity != 1 || st.InUse != 0 || st.BrowserPID != 0 {
		t.Errorf("Stats before Start = %+v", st)
	}
	if _, err := p.Session(context.Background(), Target{}); !errors.Is(err, ErrPoolNotStarted) {
		t.Errorf("Session before Start = %v, want ErrPoolNotStarted", err)
	}
	p.Stop() // without Start: a no-op
	p.Stop()

	for _, bad := range []PoolConfig{
		{Contexts: -1},
		{RecycleAfter: -1},
		{StepTimeout: -time.Second},
		{Leakless: LeaklessMode(7)},
		{Bin: "/nonexistent/chromium"},
	} {
		if _, err := NewPool(bad); err == nil {
			t.Errorf("NewPool(%+v) succeeded, want error", bad)
		}
	}
}

// Not parallel: it changes TMPDIR for the process.
func TestPoolFallsBackWhenLeaklessUnusable(t *testing.T) {
	dataDir := t.TempDir()
	t.Setenv("TMPDIR", "/nonexistent-docket-tmp")
	if leaklessUsable() == nil {
		t.Fatal("leaklessUsable() = nil with a missing TMPDIR")
	}

	strict, err := NewPool(PoolConfig{DataDir: dataDir, Leakless: LeaklessOn})
	if err != nil {
		t.Fatal(err)
	}
	if err := strict.Start(context.Background()); err == nil {
		strict.Stop()
		t.Fatal("Start with LeaklessOn succeeded without a usable TMPDIR")
	}

	p := newTestPool(t, PoolConfig{DataDir: dataDir})
	if p.guard != guardPdeathsig {
		t.Fatalf("guard = %q, want %q", p.guard, guardPdeathsig)
	}
	s, err := p.Session(context.Background(), Target{})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	p.Stop()
	if _, err := os.Stat(dataDir); err != nil {
		t.Errorf("configured DataDir removed by Stop: %v", err)
	}
	if ents, _ := os.ReadDir(dataDir); len(ents) != 0 {
		t.Errorf("browser dirs left in DataDir: %v", ents)
	}
}
