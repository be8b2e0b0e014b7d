package tasks

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
)

// A running dispatcher deletes jobs sent longer ago than the retention (7
// days by default), keeps younger ones, and never deletes an unsent job
// however old: the outbox no longer grows by every write-back forever.
func TestDispatcherPrunesSentJobs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bot := testBot("query")
	var now atomic.Int64
	now.Store(time.Now().Add(time.Minute).UnixNano()) // the messages are created at the real time
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	advance := func(d time.Duration) { now.Add(int64(d)) }
	d, err := NewDispatcher(DispatcherConfig{Store: f.store, Client: asynq.NewClientFromRedisClient(testRedis(t, 9)),
		Bots: map[string]orchestrator.Bot{bot.Name: bot}, Now: clock, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	botRunMessage(t, f, bot, "query@manual-old")
	botRunMessage(t, f, testBot("gone"), "gone@manual-stuck") // a bot this process does not know: never sent
	if n, err := d.DispatchOnce(ctx); n != 2 || err != nil {
		t.Fatalf("first dispatch: %d %v", n, err)
	}
	advance(3 * 24 * time.Hour)
	botRunMessage(t, f, bot, "query@manual-fresh")
	if n, err := d.DispatchOnce(ctx); n != 2 || err != nil { // fresh, and stuck tried again
		t.Fatalf("second dispatch: %d %v", n, err)
	}
	advance(5 * 24 * time.Hour) // old was sent 8 days ago, fresh 5
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := f.store.OutboxMessage(ctx, TaskID("query@manual-old"))
		if errors.Is(err, orchestrator.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a job sent 8 days ago is still in the outbox: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if m, err := f.store.OutboxMessage(ctx, TaskID("query@manual-fresh")); err != nil || m.SentAt.IsZero() {
		t.Fatalf("a job sent 5 days ago: %+v %v", m, err)
	}
	if m, err := f.store.OutboxMessage(ctx, TaskID("gone@manual-stuck")); err != nil || !m.SentAt.IsZero() {
		t.Fatalf("the unsent job: %+v %v", m, err)
	}
	advance(3 * 24 * time.Hour)
	if n, err := d.PruneOnce(ctx); n != 1 || err != nil {
		t.Fatalf("prune once fresh is 8 days old: %d %v", n, err)
	}
}
