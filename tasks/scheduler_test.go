package tasks

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
)

// testRedisNoFlush connects to a test's database without emptying it.
func testRedisNoFlush(t *testing.T, db int) redis.UniversalClient {
	t.Helper()
	opt, err := redis.ParseURL(redisURLForTest(db))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// fakeClock is a settable clock for the scheduler.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func TestTwoSchedulersRunASlotOnce(t *testing.T) {
	const db = 3
	f := newFixture(t)
	rdb := testRedis(t, db)
	bot := testBot("every-five")
	bot.Schedule = "*/5 * * * *"
	clock := &fakeClock{now: time.Date(2026, 11, 28, 9, 59, 30, 0, time.UTC)}

	var scheds []*Scheduler
	for range 2 {
		s, err := NewScheduler(SchedulerConfig{
			Bots: []orchestrator.Bot{bot}, Metrics: f.metrics, Now: clock.Now, Grace: time.Second,
			Enqueuer: NewEnqueuer(asynq.NewClientFromRedisClient(rdb), f.store, clock.Now),
		})
		if err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, s)
	}
	ctx := context.Background()
	for _, s := range scheds {
		s.Fire(ctx) // nothing due yet
	}
	clock.Set(time.Date(2026, 11, 28, 10, 0, 1, 0, time.UTC))
	var wg sync.WaitGroup
	for _, s := range scheds {
		wg.Add(2)
		go func() { defer wg.Done(); s.Fire(ctx) }()
		go func() { defer wg.Done(); s.Fire(ctx) }() // a repeated tick
	}
	wg.Wait()

	enqueued := testutil.ToFloat64(f.metrics.ScheduledSlots.WithLabelValues(bot.Name, "enqueued"))
	if enqueued != 1 {
		t.Fatalf("slots enqueued = %v, want 1", enqueued)
	}
	insp := asynq.NewInspectorFromRedisClient(rdb)
	pending, err := insp.ListPendingTasks(QueueBots)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != TaskID(RunID(bot.Name, time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))) {
		t.Fatalf("pending tasks = %+v, want the 10:00 slot once", pending)
	}
	runs, err := f.store.Runs(ctx, bot.Name, 10)
	if err != nil || len(runs) != 1 || runs[0].Slot != "2026-11-28T10:00:00Z" {
		t.Fatalf("runs = %+v, %v", runs, err)
	}

	// A scheduler down for three slots runs only the latest and counts the rest as missed.
	clock.Set(time.Date(2026, 11, 28, 10, 16, 0, 0, time.UTC))
	scheds[0].Fire(ctx)
	if missed := testutil.ToFloat64(f.metrics.ScheduledSlots.WithLabelValues(bot.Name, "missed")); missed != 2 {
		t.Fatalf("missed = %v, want 2 (10:05, 10:10)", missed)
	}
	if _, err := f.store.Run(ctx, RunID(bot.Name, time.Date(2026, 11, 28, 10, 15, 0, 0, time.UTC))); err != nil {
		t.Fatalf("10:15 slot not recorded: %v", err)
	}
}

func TestParseScheduleErrors(t *testing.T) {
	b := testBot("bad")
	b.Schedule = "every tuesday"
	if _, err := ParseSchedule(b); err == nil {
		t.Fatal("bad cron accepted")
	}
	b.Schedule, b.Timezone = "0 6 * * 1-5", "America/Chicago"
	s, err := ParseSchedule(b)
	if err != nil {
		t.Fatal(err)
	}
	next := s.Next(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) // a Saturday
	if want := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC); !next.Equal(want) {
		t.Fatalf("next = %s, want %s (06:00 Chicago on Monday)", next.UTC(), want)
	}
}

func TestPausedBotSlotsPassWithoutARun(t *testing.T) {
	const db = 4
	f := newFixture(t)
	rdb := testRedis(t, db)
	bot := testBot("paused-bot")
	bot.Schedule = "*/5 * * * *"
	clock := &fakeClock{now: time.Date(2026, 11, 28, 9, 59, 0, 0, time.UTC)}
	paused := map[string]time.Time{bot.Name: clock.Now()}
	s, err := NewScheduler(SchedulerConfig{
		Bots: []orchestrator.Bot{bot}, Metrics: f.metrics, Now: clock.Now, Grace: time.Second,
		Enqueuer: NewEnqueuer(asynq.NewClientFromRedisClient(rdb), f.store, clock.Now),
		Paused:   func(context.Context) (map[string]time.Time, error) { return paused, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	clock.Set(time.Date(2026, 11, 28, 10, 0, 1, 0, time.UTC))
	s.Fire(ctx)
	if runs, _ := f.store.Runs(ctx, bot.Name, 10); len(runs) != 0 {
		t.Fatalf("a paused bot ran: %+v", runs)
	}
	if got := testutil.ToFloat64(f.metrics.ScheduledSlots.WithLabelValues(bot.Name, "paused")); got != 1 {
		t.Fatalf("paused slots = %v, want 1", got)
	}
	// Resumed, the next slot runs; the paused one is not made up.
	delete(paused, bot.Name)
	clock.Set(time.Date(2026, 11, 28, 10, 5, 1, 0, time.UTC))
	s.Fire(ctx)
	runs, _ := f.store.Runs(ctx, bot.Name, 10)
	if len(runs) != 1 || runs[0].Slot != "2026-11-28T10:05:00Z" {
		t.Fatalf("runs after resume = %+v", runs)
	}
}
