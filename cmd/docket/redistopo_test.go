package main

// Docket against real Redis topologies: a master and replica watched by
// Sentinel, and a three-node Cluster. Each test starts its own
// redis-server processes on free loopback ports in temporary directories
// (never the shared Redis on 6379) and kills them when it ends.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// TestRedisSentinel runs tasks through a Sentinel-watched master, then
// kills the master: once the sentinel has promoted the replica, a task
// queued before the crash and one enqueued after both run, on the same
// clients.
func TestRedisSentinel(t *testing.T) {
	start := time.Now()
	ctx := context.Background()
	s := startSentinelSetup(t, "data-pw", "sentinel-pw")
	t.Logf("master, replica and sentinel up in %s", time.Since(start).Round(10*time.Millisecond))

	// The first sentinel listed is down: clients must go on to the next.
	rawURL := fmt.Sprintf("redis-sentinel://:data-pw@127.0.0.1:%d,%s/2?master=%s&sentinel_password=sentinel-pw",
		freePort(t), s.sentinel.addr(), s.masterName)
	_, rdb := openTestRedis(t, rawURL)
	target, err := parseRedisURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	// Enqueue through asynq's own options, process through Docket's client.
	client := asynq.NewClient(target.connOpt())
	defer client.Close()
	got := make(chan string, 16)
	srv := startEchoServer(t, rdb, got)
	enqueueEcho(t, client, "before failover")
	waitProcessed(t, got, "before failover", 10*time.Second)

	mc := redis.NewClient(&redis.Options{Addr: s.master.addr(), Password: "data-pw", DB: 2})
	defer mc.Close()
	if ok, err := mc.SIsMember(ctx, "asynq:queues", tasks.QueueBots).Result(); err != nil || !ok {
		t.Fatalf("queue not in database 2 of the master: %v %v", ok, err)
	}

	// A task waits in the queue while the master crashes.
	srv.Shutdown()
	enqueueEcho(t, client, "queued across failover")
	if n, err := mc.Do(ctx, "WAIT", 1, 2000).Int(); err != nil || n != 1 {
		t.Fatalf("replica did not acknowledge the write: %d %v", n, err) // replication is asynchronous
	}
	crash := time.Now()
	s.master.kill()
	waitFor(t, 20*time.Second, "the sentinel to promote the replica", func() bool {
		return s.masterPort(ctx) == strconv.Itoa(s.replica.port)
	})
	t.Logf("replica promoted %s after the master died", time.Since(crash).Round(10*time.Millisecond))

	startEchoServer(t, rdb, got)
	waitProcessed(t, got, "queued across failover", 15*time.Second)
	enqueueEcho(t, client, "after failover")
	waitProcessed(t, got, "after failover", 10*time.Second)
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("readiness check after failover: %v", err)
	}
	t.Logf("round trips after failover done %s after the crash", time.Since(crash).Round(10*time.Millisecond))
}

// TestRedisCluster runs what Docket needs from Redis on a three-node
// Cluster: two schedulers enqueue a slot once (task id dedupe), the SLA
// sweep likewise, the queue collector reads the queue through the asynq
// Inspector, and Docket's asynq server runs the tasks.
func TestRedisCluster(t *testing.T) {
	start := time.Now()
	ctx := context.Background()
	nodes := startRedisCluster(t, 3, "cluster-pw")
	t.Logf("3-node cluster up in %s", time.Since(start).Round(10*time.Millisecond))

	// Two seeds are enough: the client discovers the third node.
	rawURL := fmt.Sprintf("redis-cluster://:cluster-pw@%s,%s", nodes[0].addr(), nodes[1].addr())
	a, rdb := openTestRedis(t, rawURL)
	if _, ok := rdb.(*redis.ClusterClient); !ok {
		t.Fatalf("client is %T, want a cluster client", rdb)
	}
	target, err := parseRedisURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Two schedulers (one on Docket's client, one on asynq's own
	// options, as two processes would be) fire the same slot.
	bot := orchestrator.Bot{Name: "cluster-bot", Kind: "coding-holds", Portal: PortalCodingWorklist,
		Schedule: "*/5 * * * *", Timezone: "UTC", MaxRetry: 1, Timeout: time.Minute, RetryDelay: time.Second, Enabled: true}
	if err := st.UpsertBot(ctx, bot); err != nil {
		t.Fatal(err)
	}
	slot := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return slot.Add(time.Second) }
	own := asynq.NewClient(target.connOpt())
	defer own.Close()
	for _, c := range []*asynq.Client{asynq.NewClientFromRedisClient(rdb), own} {
		s, err := tasks.NewScheduler(tasks.SchedulerConfig{Bots: []orchestrator.Bot{bot}, Metrics: a.metrics,
			Now: now, Grace: time.Minute, Enqueuer: tasks.NewEnqueuer(c, st, now)})
		if err != nil {
			t.Fatal(err)
		}
		s.Fire(ctx)
		sweep, err := tasks.NewSweepScheduler(c, time.Minute, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		sweep.Fire(ctx)
	}
	for result, want := range map[string]float64{"enqueued": 1, "duplicate": 1, "error": 0} {
		if n := testutil.ToFloat64(a.metrics.ScheduledSlots.WithLabelValues(bot.Name, result)); n != want {
			t.Errorf("schedule slots %s = %v, want %v", result, n, want)
		}
	}
	runTask := tasks.TaskID(tasks.RunID(bot.Name, slot))
	dup, err := tasks.NewBotRun(bot, tasks.BotRunPayload{Bot: bot.Name, RunID: tasks.RunID(bot.Name, slot), Slot: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := own.EnqueueContext(ctx, dup); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatalf("second enqueue of %s: %v, want ErrTaskIDConflict", runTask, err)
	}

	// The queue metrics, read through the Inspector on the cluster.
	insp := asynq.NewInspectorFromRedisClient(rdb)
	reg := prometheus.NewRegistry()
	qc, err := monitoring.NewQueueCollector(monitoring.QueueCollectorConfig{Inspector: insp,
		Queues: []string{tasks.QueueBots}, TaskTypes: []string{tasks.TypeBotRun, tasks.TypeSLASweep}, TTL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	reg.MustRegister(qc)
	pending := func(typ string) float64 {
		return metricValue(t, reg, "docket_queue_tasks", map[string]string{"queue": tasks.QueueBots, "task_type": typ, "state": "pending"})
	}
	if e := metricValue(t, reg, "docket_queue_scrape_error", nil); e != 0 {
		_, err := insp.GetQueueInfo(tasks.QueueBots)
		t.Fatalf("queue collector failed on the cluster: %v", err)
	}
	if p, s := pending(tasks.TypeBotRun), pending(tasks.TypeSLASweep); p != 1 || s != 1 {
		t.Fatalf("pending bot:run %v, sla:sweep %v; want 1 each", p, s)
	}
	nodesOfQueue, err := insp.ClusterNodes(tasks.QueueBots)
	if err != nil {
		t.Fatal(err)
	}
	slotOfQueue, _ := insp.ClusterKeySlot(tasks.QueueBots)
	t.Logf("queue %q is hash slot %d on %v: every key of a queue is on one node", tasks.QueueBots, slotOfQueue, nodesOfQueue[0].Addr)

	// Docket's worker server runs them.
	got := make(chan string, 16)
	startEchoServer(t, rdb, got)
	waitProcessed(t, got, tasks.TypeBotRun+" "+runTask, 10*time.Second)
	waitProcessed(t, got, tasks.TypeSLASweep+" "+tasks.TypeSLASweep+":"+slot.Format(time.RFC3339), 10*time.Second)
	enqueueEcho(t, own, "cluster round trip")
	waitProcessed(t, got, "cluster round trip", 10*time.Second)
	waitFor(t, 10*time.Second, "the collector to see the worker and the finished tasks", func() bool {
		return metricValue(t, reg, "docket_workers", nil) == 1 && pending(tasks.TypeBotRun) == 0 &&
			metricValue(t, reg, "docket_queue_tasks", map[string]string{"queue": tasks.QueueBots, "task_type": tasks.TypeBotRun, "state": "completed"}) == 1
	})
	// A finished run keeps its id reserved (retention): the slot still
	// cannot run twice.
	if _, err := own.EnqueueContext(ctx, dup); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatalf("enqueue of finished %s: %v, want ErrTaskIDConflict", runTask, err)
	}
	t.Logf("cluster test done in %s", time.Since(start).Round(10*time.Millisecond))
}

// metricValue reads the first gauge or counter series of name in reg
// whose labels include the given ones.
func metricValue(t *testing.T, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue series
				}
			}
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

// Redis that may evict keys can lose queued tasks: connecting warns.
func TestRedisEvictionPolicyWarns(t *testing.T) {
	for policy, warns := range map[string]int{"allkeys-lru": 1, "noeviction": 0} {
		r := startRedisProc(t, policy, "", "--maxmemory-policy", policy)
		core, logs := observer.New(zap.WarnLevel)
		a := &app{log: zap.New(core)}
		if _, err := a.openRedis(context.Background(), "redis://"+r.addr()+"/0"); err != nil {
			t.Fatal(err)
		}
		a.close()
		got := logs.FilterField(zap.String("maxmemory_policy", policy)).Len()
		if got != warns {
			t.Errorf("maxmemory-policy %s: %d warnings, want %d: %v", policy, got, warns, logs.All())
		}
	}
}
