package inbox

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// e2eRedisDB is the end-to-end test's own logical Redis database (tasks
// tests use 1–4, 11 and 12; cmd/docket's 7); only it is flushed.
const e2eRedisDB = 9

// writeBackWorld is the worker side of a write-back, as `docket worker`
// runs it: the coding worklist portal, real Redis, an asynq server with
// the task layer's write-back handler and request (tasks.WriteBackHandler,
// tasks.WriteBackNote), and the writeback bot in Chromium.
type writeBackWorld struct {
	portal *portalsim.CodingWorklist
	bot    orchestrator.Bot
}

// newWriteBackEnv builds an env whose resolutions enqueue write-backs on
// real Redis and a worker that runs them in pool's Chromium against the
// portal simulator. The first fixture item is the portal's first account.
func newWriteBackEnv(t *testing.T, pool *bots.Pool) (*env, *writeBackWorld) {
	t.Helper()
	portal, err := portalsim.NewCodingWorklist(portalsim.Config{Seed: 7, Accounts: 6})
	if err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(portal)
	t.Cleanup(site.Close)

	addr := os.Getenv("DOCKET_TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr, DB: e2eRedisDB})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("real Redis at %s is required (make test starts it): %v", addr, err)
	}
	t.Cleanup(func() {
		_ = rdb.FlushDB(context.Background()).Err()
		_ = rdb.Close()
	})
	client := asynq.NewClientFromRedisClient(rdb)

	w := &writeBackWorld{portal: portal, bot: orchestrator.Bot{Name: tasks.BotWriteBack, Kind: writeback.Kind,
		Portal: "coding-worklist", MaxRetry: 2, Timeout: 2 * time.Minute, RetryDelay: time.Second, Enabled: true}}
	e := newEnvFrom(t, envSetup{account: portal.Accounts()[0].Number,
		writeBack: func(st orchestrator.Store) (orchestrator.WriteBacker, error) {
			return tasks.NewWriteBacks(w.bot)
		}})

	layouts, err := packs.Layouts("coding-worklist")
	if err != nil {
		t.Fatal(err)
	}
	impl, err := writeback.New(writeback.Config{Layouts: layouts})
	if err != nil {
		t.Fatal(err)
	}
	metrics, err := monitoring.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	user, pass := portal.Credentials()
	runner, err := tasks.NewRunner(tasks.RunnerConfig{
		Store: e.store, Evidence: e.ev, Sessions: pool, Metrics: metrics, Logger: e.logger,
		Bots: map[string]orchestrator.Bot{w.bot.Name: w.bot}, Impls: map[string]bots.Bot{writeback.Kind: impl},
		Targets: map[string]bots.Target{"coding-worklist": {Portal: "coding-worklist", BaseURL: site.URL, Username: user, Password: pass}},
		Worker:  "e2e-worker",
	})
	if err != nil {
		t.Fatal(err)
	}
	handler, err := tasks.NewWriteBackHandler(tasks.WriteBackHandlerConfig{Runner: runner, Store: e.store, Tasks: e.svc,
		Action: tasks.WriteBackNote(e.store), Actor: impl, Logger: e.logger})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := tasks.NewDispatcher(tasks.DispatcherConfig{Store: e.store, Client: client,
		Bots: map[string]orchestrator.Bot{w.bot.Name: w.bot}, Logger: e.logger, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := disp.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(disp.Stop)
	srv := tasks.NewServer(rdb, tasks.ServerConfig{Bots: map[string]orchestrator.Bot{w.bot.Name: w.bot}, Logger: e.logger})
	mux := asynq.NewServeMux()
	handler.Register(mux)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown) // before the pool stops: cleanups run last registered first
	return e, w
}

// notes are the notes the portal recorded on an account.
func (w *writeBackWorld) notes(account string) []string {
	var out []string
	for _, a := range w.portal.Actions() {
		if a.Account == account && a.Kind == portalsim.ActionAddNote {
			out = append(out, a.Value)
		}
	}
	return out
}
