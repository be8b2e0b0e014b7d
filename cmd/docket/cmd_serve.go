package main

import (
	"fmt"
	"io"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/spf13/cobra"
	"go.uber.org/zap"
)

func newServeCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the web UI, JSON API, /metrics, /healthz and /readyz",
		Long: `serve runs Docket's web process: the inbox, supervisor pages and JSON API
(/api/openapi.json), /metrics (with the work item
gauges, exported by this process only), /healthz and /readyz (which checks Redis
and the database), and the outbox dispatcher that hands committed write-backs
and manual runs to Redis (safe with several serve replicas). It applies pending database migrations on start.`,
		Example: "  docket serve --http-addr 0.0.0.0:8080 --database-url postgres://docket@db/docket",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, st, rdb, err := openShared(ctx, *cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			// The packs' record kinds, for the inbox, logs and metrics.
			if _, err := a.openPacks(ctx, true); err != nil {
				return err
			}
			if err := a.exportFleetMetrics(st, rdb); err != nil {
				return err
			}
			mux := a.opsMux(map[string]monitoring.Check{"database": st.Ping, "redis": redisCheck(rdb)})
			ev, err := a.openEvidence(ctx, st)
			if err != nil {
				return err
			}
			if err := a.startCheckpoints(ctx, st, ev); err != nil {
				return err
			}
			client := asynq.NewClientFromRedisClient(rdb)
			disp, err := a.startDispatcher(ctx, st, client)
			if err != nil {
				return err
			}
			wf, _, err := a.workflow(st, disp.Wake)
			if err != nil {
				return err
			}
			enq := tasks.NewEnqueuer(client, st, nil).WithWake(disp.Wake)
			if err := a.mountInbox(st, inboxDeps{Evidence: ev, Runs: enq, Tasks: wf.Tasks}, mux); err != nil {
				return err
			}
			addr, err := a.listen(cfg.HTTPAddr, mux)
			if err != nil {
				return err
			}
			a.log.Info("serving", zap.String("addr", addr))
			fmt.Fprintf(stdout, "docket serve: web and /metrics at http://%s\n", addr)
			<-ctx.Done()
			return nil
		},
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
