package monitoring

import (
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
)

func TestQueueCollectorByTaskTypeAndState(t *testing.T) {
	mr := miniredis.RunT(t)
	mr.ClockTTL(true)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	client := asynq.NewClientFromRedisClient(rdb)
	enqueue := func(typ string, opts ...asynq.Option) {
		t.Helper()
		if _, err := client.Enqueue(asynq.NewTask(typ, nil), append(opts, asynq.Queue("bots"))...); err != nil {
			t.Fatal(err)
		}
	}
	enqueue("bot:run")
	enqueue("bot:run")
	enqueue("writeback:apply")
	enqueue("bot:run", asynq.ProcessIn(time.Hour))
	now := time.Now()
	reg := prometheus.NewRegistry()
	c, err := NewQueueCollector(QueueCollectorConfig{
		Inspector: asynq.NewInspectorFromRedisClient(rdb),
		Queues:    []string{"bots", "writebacks"}, TaskTypes: []string{"bot:run"},
		EnqueuedAt: func(ti *asynq.TaskInfo) (time.Time, bool) { return now.Add(-90 * time.Second), true },
		Now:        func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	reg.MustRegister(c)
	want := `
# HELP docket_queue_tasks Tasks in asynq queues by queue, task type and state (pending, active, scheduled, retry, archived, completed). Completed tasks are retained, not waiting.
# TYPE docket_queue_tasks gauge
docket_queue_tasks{queue="bots",state="active",task_type="bot:run"} 0
docket_queue_tasks{queue="bots",state="active",task_type="writeback:apply"} 0
docket_queue_tasks{queue="bots",state="archived",task_type="bot:run"} 0
docket_queue_tasks{queue="bots",state="archived",task_type="writeback:apply"} 0
docket_queue_tasks{queue="bots",state="completed",task_type="bot:run"} 0
docket_queue_tasks{queue="bots",state="completed",task_type="writeback:apply"} 0
docket_queue_tasks{queue="bots",state="pending",task_type="bot:run"} 2
docket_queue_tasks{queue="bots",state="pending",task_type="writeback:apply"} 1
docket_queue_tasks{queue="bots",state="retry",task_type="bot:run"} 0
docket_queue_tasks{queue="bots",state="retry",task_type="writeback:apply"} 0
docket_queue_tasks{queue="bots",state="scheduled",task_type="bot:run"} 1
docket_queue_tasks{queue="bots",state="scheduled",task_type="writeback:apply"} 0
docket_queue_tasks{queue="writebacks",state="active",task_type="bot:run"} 0
docket_queue_tasks{queue="writebacks",state="archived",task_type="bot:run"} 0
docket_queue_tasks{queue="writebacks",state="completed",task_type="bot:run"} 0
docket_queue_tasks{queue="writebacks",state="pending",task_type="bot:run"} 0
docket_queue_tasks{queue="writebacks",state="retry",task_type="bot:run"} 0
docket_queue_tasks{queue="writebacks",state="scheduled",task_type="bot:run"} 0
# HELP docket_queue_task_latency_seconds Age of the oldest pending task by queue and task type; 0 when none is pending.
# TYPE docket_queue_task_latency_seconds gauge
docket_queue_task_latency_seconds{queue="bots",task_type="bot:run"} 90
docket_queue_task_latency_seconds{queue="bots",task_type="writeback:apply"} 90
docket_queue_task_latency_seconds{queue="writebacks",task_type="bot:run"} 0
# HELP docket_workers Worker processes with a live heartbeat in Redis.
# TYPE docket_workers gauge
docket_workers 0
# HELP docket_queue_scrape_error 1 when the last reading of the queues failed.
# TYPE docket_queue_scrape_error gauge
docket_queue_scrape_error 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "docket_queue_tasks",
		"docket_queue_task_latency_seconds", "docket_workers", "docket_queue_scrape_error"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndLint(reg); err != nil || len(n) > 0 {
		t.Fatalf("lint: %v %v", n, err)
	}
	// Redis down: the collector says so instead of failing the scrape.
	mr.Close()
	c2, _ := NewQueueCollector(QueueCollectorConfig{Inspector: asynq.NewInspectorFromRedisClient(rdb)})
	reg2 := prometheus.NewRegistry()
	reg2.MustRegister(c2)
	if got, err := testutil.GatherAndCount(reg2, "docket_queue_scrape_error"); err != nil || got != 1 {
		t.Fatalf("scrape error series = %d, %v", got, err)
	}
}

func TestQueueCollectorBoundsTaskTypes(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	client := asynq.NewClientFromRedisClient(rdb)
	for i := range 30 {
		if _, err := client.Enqueue(asynq.NewTask("type:"+string(rune('a'+i%26))+string(rune('a'+i/26)), nil)); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := NewQueueCollector(QueueCollectorConfig{Inspector: asynq.NewInspectorFromRedisClient(rdb), MaxTaskTypes: 5})
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	n, err := testutil.GatherAndCount(reg, "docket_queue_tasks")
	if err != nil {
		t.Fatal(err)
	}
	if n != 6*6 { // 5 types + "other", 6 states
		t.Fatalf("series = %d, want 36", n)
	}
}
