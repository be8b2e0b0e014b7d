package main

import (
	"fmt"
	"io"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/spf13/cobra"
)

func newWorkerCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run bots: an asynq server with a browser pool",
		Long: `worker takes bot:run tasks from Redis and runs them in isolated incognito contexts
of one system Chromium (worker.concurrency at a time). Start as many workers as you
like on as many machines as share the Redis and the database. SIGTERM drains:
active runs are handed back to the queue and the browser is closed.`,
		Example: "  docket worker --redis-url redis://127.0.0.1:6379/0 --worker-concurrency 2",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, st, rdb, err := openShared(ctx, *cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			ev, err := a.openEvidence(ctx, st)
			if err != nil {
				return err
			}
			if err := a.startCheckpoints(ctx, st, ev); err != nil {
				return err
			}
			mux := a.opsMux(map[string]monitoring.Check{"database": st.Ping, "redis": redisCheck(rdb)})
			addr, err := a.listen(orDefault(cfg.MetricsAddr, "127.0.0.1:9091"), mux)
			if err != nil {
				return err
			}
			stop, err := a.startWorker(ctx, st, ev, rdb)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "docket worker %s: metrics at http://%s/metrics\n", a.workerName(), addr)
			<-ctx.Done()
			stop()
			return nil
		},
	}
}
