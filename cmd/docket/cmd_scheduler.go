package main

import (
	"context"
	"fmt"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"io"
	"time"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/spf13/cobra"
)

func newSchedulerCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "scheduler",
		Short: "Enqueue bot runs on their cron schedules",
		Long: `scheduler fires each enabled bot's cron schedule (in the bot's time zone) and
enqueues a bot:run task whose id is derived from the bot and the slot, so a second
scheduler, or a restarted one, never runs the same slot twice.`,
		Example: "  docket scheduler --config /etc/docket/docket.yaml",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, st, rdb, err := openShared(ctx, *cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			client := asynq.NewClientFromRedisClient(rdb)
			stop, err := a.startScheduler(ctx, tasks.NewEnqueuer(client, st, nil), st, client)
			if err != nil {
				return err
			}
			defer stop()
			mux := a.opsMux(map[string]monitoring.Check{"database": st.Ping, "redis": redisCheck(rdb)})
			addr, err := a.listen(orDefault(cfg.MetricsAddr, "127.0.0.1:9092"), mux)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "docket scheduler: metrics at http://%s/metrics\n", addr)
			<-ctx.Done()
			return nil
		},
	}
}

// startScheduler starts the cron loop over the configured bots (skipping
// bots a supervisor paused) and the SLA sweep, one per minute slot.
func (a *app) startScheduler(ctx context.Context, enq *tasks.Enqueuer, st *sqlstore.Store, client *asynq.Client) (func(), error) {
	var list []orchestrator.Bot
	for _, b := range a.cfg.bots() {
		list = append(list, b)
		a.metrics.InitBot(b.Name)
	}
	s, err := tasks.NewScheduler(tasks.SchedulerConfig{
		Bots: list, Enqueuer: enq, Metrics: a.metrics, Logger: a.log.Named("scheduler"), Paused: st.PausedBots,
	})
	if err != nil {
		return nil, err
	}
	sweep, err := tasks.NewSweepScheduler(client, time.Minute, nil, a.log.Named("sla"))
	if err != nil {
		return nil, err
	}
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	if err := sweep.Start(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return func() { sweep.Stop(); s.Stop() }, nil
}
