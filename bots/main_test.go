package bots

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// helperEnv makes the test binary act as a worker for the orphan test
// instead of running tests; its value is the guard mode.
const helperEnv = "DOCKET_BOTS_ORPHAN_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(orphanHelper(mode))
	}
	// No ignores needed: the pool cancels rod's CDP connection and waits
	// for the launcher's and leakless' goroutines (they end when the
	// browser process is reaped).
	goleak.VerifyTestMain(m)
}

// orphanHelper starts a pool and a session, prints the pool's data dir and
// chromium's pid (its process group), and
// waits to be SIGKILLed by TestOrphanedWorkerLeavesNoChromium.
func orphanHelper(mode string) int {
	cfg := PoolConfig{Leakless: LeaklessOn}
	if mode == guardPdeathsig {
		cfg.Leakless = LeaklessOff
	}
	p, err := NewPool(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	if err := p.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := p.Session(ctx, Target{Portal: "orphan"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = s
	fmt.Println(p.DataDir(), p.Stats().BrowserPID)
	time.Sleep(time.Minute) // the test kills us long before this
	return 2
}
