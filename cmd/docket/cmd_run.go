package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/spf13/cobra"
)

func newRunCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "run BOT",
		Short: "Enqueue a run of BOT now and follow it to the end",
		Long: `run enqueues a manual run of the named bot, follows it with a progress bar
(pages and records read) while a worker runs it, and exits non-zero if the run
fails. A worker must be running against the same Redis and database.`,
		Example: "  docket run coding-holds\n  docket run coding-holds --redis-url redis://127.0.0.1:41234/0 --database-url docket-data/docket.db",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			bot, ok := cfg.bots()[args[0]]
			if !ok {
				return usageError{fmt.Errorf("unknown bot %q (configured: %s)", args[0], strings.Join(botNames(cfg), ", "))}
			}
			a, st, rdb, err := openShared(ctx, *cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			client := asynq.NewClientFromRedisClient(rdb)
			// This command dispatches outbox jobs while it follows its run, so
			// its run reaches the queue with or without a serve running.
			disp, err := a.startDispatcher(ctx, st, client)
			if err != nil {
				return err
			}
			run, err := tasks.NewEnqueuer(client, st, nil).WithWake(disp.Wake).EnqueueNow(ctx, bot)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "enqueued run %s\n", run.ID)
			f := follower{out: stdout, tty: isTerminal(stdout), listening: workerListening(asynq.NewInspectorFromRedisClient(rdb), tasks.QueueBots)}
			run, err = f.follow(ctx, st, run.ID)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, runSummary(run, bot))
			if run.Status != orchestrator.RunSucceeded {
				return reportedError{fmt.Errorf("run %s %s", run.ID, run.Status)} // the summary said why
			}
			return nil
		},
	}
}

func botNames(cfg *Config) []string {
	var names []string
	for name := range cfg.bots() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// waitRun polls the run until it ends or ctx is done.
func waitRun(ctx context.Context, st orchestrator.Store, id string, progress func(orchestrator.Run)) (orchestrator.Run, error) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		run, err := st.Run(ctx, id)
		if err != nil {
			return run, err
		}
		if progress != nil {
			progress(run)
		}
		if run.Status.Done() {
			return run, nil
		}
		select {
		case <-ctx.Done():
			return run, fmt.Errorf("stopped following run %s (it goes on): %w", id, ctx.Err())
		case <-t.C:
		}
	}
}

// runSummary is one line about an ended run.
func runSummary(r orchestrator.Run, bot orchestrator.Bot) string {
	s := fmt.Sprintf("%-14s %-9s accounts %d  pages %d  screenshots %d  created %d  updated %d  unchanged %d  attempts %d  took %s",
		orchestrator.EscapeText(r.Bot), r.Status, r.Records, r.Pages, r.Screenshots, r.Created, r.Updated, r.Unchanged, r.Attempts,
		r.Duration().Round(100*time.Millisecond))
	if r.Error != "" {
		s += "  error: " + failureWords(bot, r.Error)
	}
	return s
}
