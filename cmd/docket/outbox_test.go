package main

import (
	"context"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// enqueueNow starts manual runs of bs the way `docket run` does: each run
// and its job commit in the outbox, and a dispatcher of the caller's hands
// the jobs to Redis.
func enqueueNow(t *testing.T, st orchestrator.Store, rdb redis.UniversalClient, bs ...orchestrator.Bot) []orchestrator.Run {
	t.Helper()
	ctx := context.Background()
	client := asynq.NewClientFromRedisClient(rdb)
	byName := map[string]orchestrator.Bot{}
	for _, b := range bs {
		byName[b.Name] = b
	}
	d, err := tasks.NewDispatcher(tasks.DispatcherConfig{Store: st, Client: client, Bots: byName})
	mustf(t, err, "dispatcher")
	enq := tasks.NewEnqueuer(client, st, nil)
	var runs []orchestrator.Run
	for _, b := range bs {
		run, err := enq.EnqueueNow(ctx, b)
		mustf(t, err, "enqueue %s", b.Name)
		runs = append(runs, run)
	}
	for {
		n, err := d.DispatchOnce(ctx)
		mustf(t, err, "dispatch")
		if n == 0 {
			break
		}
	}
	if s, err := st.OutboxStats(ctx); err != nil || s.Unsent != 0 {
		t.Fatalf("outbox after dispatch: %+v %v", s, err)
	}
	return runs
}
