package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/spf13/cobra"
)

func newDemoCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	var once bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run everything in one process for a first look",
		Long: `demo runs the demo portals, a worker with a browser, the scheduler, the web
pages and /metrics in one process, on an embedded SQLite database in data_dir and,
unless redis_url is set, an embedded Redis on a loopback port (printed, so extra
'docket worker' processes can join). Every bot runs once at start, then on its
schedule. With --once it runs every bot once, prints a summary and exits.`,
		Example: "  docket demo\n  docket demo --once\n  docket demo --data-dir /tmp/docket --http-addr 127.0.0.1:0",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.LogFormat == "" {
				cfg.LogFormat = "console"
			}
			return runDemo(cmd.Context(), *cfg, once, stdout)
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "run every bot once, print a summary and exit")
	return cmd
}

func runDemo(ctx context.Context, cfg Config, once bool, stdout io.Writer) error {
	start := time.Now()
	a, err := newApp(cfg, stdout)
	if err != nil {
		return err
	}
	defer a.close()
	a.demo = true
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	redisURL, embedded := cfg.RedisURL, false
	if redisURL == "" {
		if redisURL, err = a.startEmbeddedRedis(); err != nil {
			return err
		}
		embedded = true
	}
	rdb, err := a.openRedis(ctx, redisURL)
	if err != nil {
		return err
	}
	portalURLs, err := a.startPortals(ctx)
	if err != nil {
		return err
	}
	ev, err := a.openEvidence(ctx, st)
	if err != nil {
		return err
	}
	if err := a.startCheckpoints(ctx, st, ev); err != nil {
		return err
	}
	stopWorker, err := a.startWorker(ctx, st, ev, rdb)
	if err != nil {
		return err
	}
	defer stopWorker()
	disp, err := a.startDispatcher(ctx, st, asynq.NewClientFromRedisClient(rdb))
	if err != nil {
		return err
	}
	enq := tasks.NewEnqueuer(asynq.NewClientFromRedisClient(rdb), st, nil).WithWake(disp.Wake)
	if !once {
		stopScheduler, err := a.startScheduler(ctx, enq, st, asynq.NewClientFromRedisClient(rdb))
		if err != nil {
			return err
		}
		defer stopScheduler()
	}
	if err := a.exportFleetMetrics(st, rdb); err != nil {
		return err
	}
	mux := a.opsMux(map[string]monitoring.Check{"database": st.Ping, "redis": redisCheck(rdb)})
	if err := ensureDemoUsers(ctx, st); err != nil {
		return err
	}
	wf, _, err := a.workflow(st, disp.Wake)
	if err != nil {
		return err
	}
	if err := a.mountInbox(st, inboxDeps{Evidence: ev, Runs: enq, Tasks: wf.Tasks}, mux); err != nil {
		return err
	}
	webAddr, err := a.listen(cfg.HTTPAddr, mux)
	if err != nil {
		return err
	}
	printBanner(stdout, cfg, webAddr, portalURLs, redisURL, embedded, time.Since(start))

	runs, err := enqueueAll(ctx, enq, a.cfg.bots())
	if err != nil {
		return err
	}
	if !once {
		<-ctx.Done()
		return nil
	}
	failed := 0
	for _, id := range runs {
		run, err := waitRun(ctx, st, id, nil)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, runSummary(run, a.cfg.bots()[run.Bot]))
		if run.Status != orchestrator.RunSucceeded {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d bot runs failed", failed, len(runs))
	}
	fmt.Fprintf(stdout, "all %d bot runs succeeded in %s\n", len(runs), time.Since(start).Round(100*time.Millisecond))
	return nil
}

// startEmbeddedRedis starts miniredis on a loopback port. TTLs follow the
// wall clock, as asynq's leases and retention need.
func (a *app) startEmbeddedRedis() (string, error) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", fmt.Errorf("embedded redis: %w", err)
	}
	a.onClose(m.Close)
	return "redis://" + m.Addr() + "/0", nil
}

// enqueueAll starts a manual run of every enabled scheduled bot, in name
// order (manual-only bots such as writeback need a person's decision).
func enqueueAll(ctx context.Context, enq *tasks.Enqueuer, bots map[string]orchestrator.Bot) ([]string, error) {
	var names []string
	for name, b := range bots {
		if b.Enabled && b.Schedule != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var ids []string
	for _, name := range names {
		run, err := enq.EnqueueNow(ctx, bots[name])
		if err != nil {
			return nil, err
		}
		ids = append(ids, run.ID)
	}
	return ids, nil
}

func printBanner(w io.Writer, cfg Config, webAddr string, portalURLs map[string]string, redisURL string, embedded bool, took time.Duration) {
	fmt.Fprintf(w, "\nDocket demo is up (%s)\n", took.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  web       http://%s/\n", webAddr)
	fmt.Fprintf(w, "  metrics   http://%s/metrics\n", webAddr)
	fmt.Fprintf(w, "  users     %s  (demo only; name/password)\n", demoUsersLine())
	for _, name := range []string{PortalCodingWorklist, PortalClaimScrubber} {
		p := cfg.Portals[name]
		fmt.Fprintf(w, "  portal    %s/  (%s; user %s, password %s)\n", portalURLs[name], name, p.Username, p.Password)
	}
	if embedded {
		fmt.Fprintf(w, "  redis     %s  (embedded; more workers can join:\n", redisURL)
		fmt.Fprintf(w, "            docket worker --redis-url %s --database-url %s)\n", redisURL, cfg.DatabaseURL)
	} else {
		fmt.Fprintf(w, "  redis     %s\n", redactURL(redisURL))
	}
	fmt.Fprintf(w, "  database  %s\n", redactURL(cfg.DatabaseURL))
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n\n")
}
