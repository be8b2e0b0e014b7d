package writeback

import (
	"context"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/docket-rpa/docket/bots"
)

// testPool is shared by the package's tests; each test takes its own
// incognito session.
var testPool *bots.Pool

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	pool, err := bots.NewPool(bots.PoolConfig{Contexts: 2, Subreaper: true})
	if err == nil {
		err = pool.Start(context.Background())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "writeback tests need Chromium:", err)
		return 1
	}
	testPool = pool
	code := m.Run()
	pool.Stop()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutine leak:", err)
			return 1
		}
	}
	return code
}
