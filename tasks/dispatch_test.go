package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

func botRunMessage(t *testing.T, f fixture, bot orchestrator.Bot, runID string) {
	t.Helper()
	b, err := json.Marshal(orchestrator.BotRunJob{Bot: bot.Name, RunID: runID, Slot: orchestrator.SlotManual})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.CreateRunJob(context.Background(), orchestrator.Run{ID: runID, Bot: bot.Name},
		orchestrator.OutboxMessage{Key: TaskID(runID), Kind: orchestrator.JobBotRun, Payload: b}); err != nil {
		t.Fatal(err)
	}
}

// A Redis that refuses leaves the job in the outbox with the reason and a
// backoff; once Redis answers, the job goes out once.
func TestDispatcherRetriesWhileRedisIsDown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bot := testBot("query")
	botRunMessage(t, f, bot, "query@manual-1")

	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	_ = l.Close()
	downRDB := redis.NewClient(&redis.Options{Addr: dead, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = downRDB.Close() })
	down := asynq.NewClientFromRedisClient(downRDB)
	now := time.Now()
	clock := func() time.Time { return now }
	d1, err := NewDispatcher(DispatcherConfig{Store: f.store, Client: down, Bots: map[string]orchestrator.Bot{bot.Name: bot}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d1.DispatchOnce(ctx); n != 1 || err != nil {
		t.Fatalf("dispatch with Redis down: %d %v", n, err)
	}
	m, err := f.store.OutboxMessage(ctx, TaskID("query@manual-1"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.SentAt.IsZero() || m.Attempts != 1 || m.LastError == "" || !m.NextAt.Equal(now.Add(DispatchBackoffMin).UTC().Truncate(time.Microsecond)) {
		t.Fatalf("after a refused enqueue: %+v", m)
	}
	st, _ := f.store.OutboxStats(ctx)
	if st.Unsent != 1 {
		t.Fatalf("stats %+v", st)
	}

	rdb := testRedis(t, 14)
	up := asynq.NewClientFromRedisClient(rdb)
	d2, err := NewDispatcher(DispatcherConfig{Store: f.store, Client: up, Bots: map[string]orchestrator.Bot{bot.Name: bot}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := d2.DispatchOnce(ctx); n != 0 {
		t.Fatalf("claimed %d before the backoff ended", n)
	}
	now = now.Add(DispatchBackoffMin)
	if n, err := d2.DispatchOnce(ctx); n != 1 || err != nil {
		t.Fatalf("dispatch with Redis up: %d %v", n, err)
	}
	if m, _ := f.store.OutboxMessage(ctx, TaskID("query@manual-1")); m.SentAt.IsZero() || m.Attempts != 2 {
		t.Fatalf("not marked sent: %+v", m)
	}
	info, err := asynq.NewInspectorFromRedisClient(rdb).GetTaskInfo(QueueBots, TaskID("query@manual-1"))
	if err != nil || info.Type != TypeBotRun {
		t.Fatalf("job in Redis: %+v %v", info, err)
	}
}

// Dispatchers in several processes (here: goroutines with their own
// clients) send every job exactly once between them, and a job already in
// the queue (a dispatcher that died before marking) counts as sent.
func TestDispatchersShareTheOutbox(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bot := testBot("query")
	const n = 60
	for i := range n {
		botRunMessage(t, f, bot, fmt.Sprint("query@manual-", i))
	}
	rdb := testRedis(t, 15)
	// Job 0 is in the queue already.
	t0, _ := NewBotRun(bot, BotRunPayload{Bot: bot.Name, RunID: "query@manual-0", Slot: orchestrator.SlotManual})
	if _, err := asynq.NewClientFromRedisClient(rdb).Enqueue(t0); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 {
		d, err := NewDispatcher(DispatcherConfig{Store: f.store, Client: asynq.NewClientFromRedisClient(rdb),
			Bots: map[string]orchestrator.Bot{bot.Name: bot}, Batch: 7})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if got, err := d.DispatchOnce(ctx); got == 0 || err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if st, _ := f.store.OutboxStats(ctx); st.Unsent != 0 {
		t.Fatalf("%d jobs unsent", st.Unsent)
	}
	pending, err := asynq.NewInspectorFromRedisClient(rdb).ListPendingTasks(QueueBots, asynq.PageSize(200))
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != n {
		t.Fatalf("%d jobs in the queue, want %d", len(pending), n)
	}
}

// startDispatcher runs a dispatcher for the test's bots on client, as
// serve does, and returns its Wake.
func startDispatcher(t *testing.T, f fixture, client *asynq.Client, bs ...orchestrator.Bot) func() {
	t.Helper()
	byName := map[string]orchestrator.Bot{}
	for _, b := range bs {
		byName[b.Name] = b
	}
	d, err := NewDispatcher(DispatcherConfig{Store: f.store, Client: client, Bots: byName, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	return d.Wake
}
