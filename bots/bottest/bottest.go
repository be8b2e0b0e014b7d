// Package bottest holds what the bot packages' tests share: one browser
// pool per test binary and a goroutine-leak check after the run. Only
// tests import it.
package bottest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/docket-rpa/docket/bots"
	"go.uber.org/goleak"
)

// Main starts a pool of two contexts, stores it in *pool for the tests,
// runs them, stops the pool and fails the run if goroutines leaked. It
// returns the exit code for os.Exit. Launching Chromium once keeps a
// package's suite fast; each test takes its own incognito session.
func Main(m *testing.M, pkg string, pool **bots.Pool) int {
	p, err := bots.NewPool(bots.PoolConfig{Contexts: 2, Subreaper: true})
	if err == nil {
		err = p.Start(context.Background())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, pkg+" tests need Chromium (make test installs it):", err)
		return 1
	}
	*pool = p
	code := m.Run()
	p.Stop()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutine leak:", err)
			return 1
		}
	}
	return code
}
