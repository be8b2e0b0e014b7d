package main

import (
	"fmt"
	"io"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator/inbox"
	"github.com/spf13/cobra"
	"go.uber.org/zap"
)

func newServeCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the web UI, JSON API, /metrics, /healthz and /readyz",
		Long: `serve runs Docket's web process: the status pages, /metrics (with the work item
gauges, exported by this process only), /healthz and /readyz (which checks Redis
and the database). It applies pending database migrations on start.`,
		Example: "  docket serve --http-addr 0.0.0.0:8080 --database-url postgres://docket@db/docket",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := newApp(*cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			rdb, err := a.openRedis(ctx, orDefault(cfg.RedisURL, redisURLDefault))
			if err != nil {
				return err
			}
			if err := a.metrics.Register(monitoring.NewItemsCollector(st.CountItems)); err != nil {
				return err
			}
			mux := a.opsMux(map[string]monitoring.Check{"database": st.Ping, "redis": redisCheck(rdb)})
			inbox.NewStatus(st, a.cfg.bots()).Register(mux)
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
