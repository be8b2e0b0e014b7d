package tasks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// go-redis keeps a pool reaper per client until Close; asynq closes
		// its own, but opencensus-style background work may linger briefly.
		goleak.IgnoreTopFunction("github.com/redis/go-redis/v9/internal/pool.(*ConnPool).reaper"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// redisURLForTest is the real Redis the suite uses; each test owns one
// logical database so tests in different packages never share queues.
func redisURLForTest(db int) string {
	base := os.Getenv("DOCKET_TEST_REDIS_ADDR")
	if base == "" {
		base = "127.0.0.1:6379"
	}
	return fmt.Sprintf("redis://%s/%d", base, db)
}

// testRedis connects to the test's own database and empties it.
func testRedis(t *testing.T, db int) redis.UniversalClient {
	t.Helper()
	opt, err := redis.ParseURL(redisURLForTest(db))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("real Redis at %s is required (make test starts it): %v", opt.Addr, err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

type fixture struct {
	store    *sqlstore.Store
	evidence *evidence.Store
	metrics  *monitoring.Metrics
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, sqlstore.Config{URL: filepath.Join(t.TempDir(), "docket.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ev, err := evidence.Open(ctx, evidence.Config{URL: "file://" + filepath.Join(t.TempDir(), "evidence")}, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ev.Close() })
	m, err := monitoring.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return fixture{store: st, evidence: ev, metrics: m}
}

// startChromium starts a one-context Chromium pool for the test.
func startChromium(t *testing.T) *bots.Pool {
	t.Helper()
	pool, err := bots.NewPool(bots.PoolConfig{Contexts: 1, Subreaper: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.Start(context.Background()); err != nil {
		t.Fatalf("Chromium is required (make test installs it): %v", err)
	}
	t.Cleanup(pool.Stop)
	return pool
}
