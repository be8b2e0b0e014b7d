package main

// Docket against real Redis topologies: a master and replica watched by
// Sentinel, and a three-node Cluster. Each test starts its own
// redis-server processes on free loopback ports in temporary directories
// (never the shared Redis on 6379) and kills them when it ends.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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

// redisProc is a redis-server (or sentinel) process a test started.
type redisProc struct {
	name string
	port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

func (r *redisProc) addr() string    { return "127.0.0.1:" + strconv.Itoa(r.port) }
func (r *redisProc) logPath() string { return filepath.Join(r.dir, "redis.log") }

// startRedisProc starts redis-server on a free loopback port in its own
// temporary directory, with no persistence; conf, when set, is its config
// file (a sentinel's must be writable: Sentinel rewrites it). It returns
// once the port accepts connections. The test's cleanup kills the process
// and, if the test failed, shows its log.
func startRedisProc(t *testing.T, name, conf string, args ...string) *redisProc {
	t.Helper()
	bin := requireTool(t, "redis-server")
	r := &redisProc{name: name, port: freePort(t), dir: t.TempDir(), done: make(chan struct{})}
	var argv []string
	if conf != "" {
		argv = append(argv, conf)
	}
	argv = append(argv, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--logfile", r.logPath(), "--save", "", "--appendonly", "no")
	r.cmd = exec.Command(bin, append(argv, args...)...)
	// Killed with the test binary even if it dies before its cleanups run.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		r.kill()
		if t.Failed() {
			log, _ := os.ReadFile(r.logPath())
			t.Logf("%s (%s) log:\n%s", name, r.addr(), tail(string(log), 3000))
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", r.addr(), 200*time.Millisecond); err == nil {
			_ = c.Close()
			return r
		}
		select {
		case <-r.done:
			log, _ := os.ReadFile(r.logPath())
			t.Fatalf("%s exited at start: %s", name, tail(string(log), 3000))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not accept connections on %s", name, r.addr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the process at once, as a crash would, and waits for it.
func (r *redisProc) kill() {
	select {
	case <-r.done:
		return
	default:
	}
	_ = r.cmd.Process.Kill()
	<-r.done
}

// sentinelSetup is a master, one replica and a sentinel watching them.
type sentinelSetup struct {
	master, replica, sentinel *redisProc
	masterName                string
	sentinelClient            *redis.SentinelClient
}

// startSentinelSetup starts a master and a replica that require
// dataPassword and a sentinel that requires sentinelPassword, with short
// failure detection (1 s) so a failover takes a few seconds. It returns
// once the sentinel knows the replica, so a failover can pick it.
func startSentinelSetup(t *testing.T, dataPassword, sentinelPassword string) *sentinelSetup {
	t.Helper()
	ctx := context.Background()
	// No 5 s wait before the diskless full sync.
	auth := []string{"--requirepass", dataPassword, "--masterauth", dataPassword, "--repl-diskless-sync-delay", "0"}
	s := &sentinelSetup{masterName: "mymaster"}
	s.master = startRedisProc(t, "master", "", auth...)
	s.replica = startRedisProc(t, "replica", "", append(auth, "--replicaof", "127.0.0.1", strconv.Itoa(s.master.port))...)
	mc := redis.NewClient(&redis.Options{Addr: s.master.addr(), Password: dataPassword})
	defer mc.Close()
	waitFor(t, 10*time.Second, "the replica to sync", func() bool {
		info, err := mc.Info(ctx, "replication").Result()
		return err == nil && strings.Contains(info, "connected_slaves:1") && strings.Contains(info, "state=online")
	})
	conf := filepath.Join(t.TempDir(), "sentinel.conf")
	body := fmt.Sprintf(`sentinel monitor %[1]s 127.0.0.1 %[2]d 1
sentinel auth-pass %[1]s %[3]s
sentinel down-after-milliseconds %[1]s 1000
sentinel failover-timeout %[1]s 3000
requirepass %[4]s
`, s.masterName, s.master.port, dataPassword, sentinelPassword)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	s.sentinel = startRedisProc(t, "sentinel", conf, "--sentinel")
	s.sentinelClient = redis.NewSentinelClient(&redis.Options{Addr: s.sentinel.addr(), Password: sentinelPassword})
	t.Cleanup(func() { _ = s.sentinelClient.Close() })
	waitFor(t, 15*time.Second, "the sentinel to know the replica", func() bool {
		replicas, err := s.sentinelClient.Replicas(ctx, s.masterName).Result()
		if err != nil {
			return false
		}
		for _, r := range replicas {
			if r["port"] == strconv.Itoa(s.replica.port) && !strings.Contains(r["flags"], "disconnected") &&
				r["master-link-status"] == "ok" {
				return true
			}
		}
		return false
	})
	return s
}

// masterPort is the port of the master the sentinel currently names.
func (s *sentinelSetup) masterPort(ctx context.Context) string {
	addr, err := s.sentinelClient.GetMasterAddrByName(ctx, s.masterName).Result()
	if err != nil || len(addr) != 2 {
		return ""
	}
	return addr[1]
}

// startRedisCluster starts n redis-server nodes in cluster mode that
// require password, joins them with redis-cli --cluster create (no
// replicas) and waits until every node reports the cluster ok.
func startRedisCluster(t *testing.T, n int, password string) []*redisProc {
	t.Helper()
	cli := requireTool(t, "redis-cli")
	var nodes []*redisProc
	var addrs []string
	for i := range n {
		// The bus port is set explicitly: port+10000 may not exist.
		node := startRedisProc(t, fmt.Sprintf("cluster node %d", i+1), "",
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
			"--cluster-port", strconv.Itoa(freePort(t)), "--requirepass", password, "--masterauth", password)
		nodes = append(nodes, node)
		addrs = append(addrs, node.addr())
	}
	cmd := exec.Command(cli, append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", "0", "--cluster-yes")...)
	cmd.Env = append(os.Environ(), "REDISCLI_AUTH="+password) // not -a: argv is visible to everyone
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	ctx := context.Background()
	for _, node := range nodes {
		c := redis.NewClient(&redis.Options{Addr: node.addr(), Password: password})
		waitFor(t, 15*time.Second, "cluster state ok on "+node.addr(), func() bool {
			info, err := c.ClusterInfo(ctx).Result()
			return err == nil && strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(n)+"\r")
		})
		_ = c.Close()
	}
	return nodes
}

// openTestRedis connects to rawURL the way every Docket command does.
func openTestRedis(t *testing.T, rawURL string) (*app, redis.UniversalClient) {
	t.Helper()
	cfg := defaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.LogLevel = "error"
	cfg.RedisURL = rawURL
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	rdb, err := a.openRedis(context.Background(), rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return a, rdb
}

const typeEcho = "test:echo"

// startEchoServer runs Docket's asynq server (tasks.NewServer) on rdb;
// it sends the payload of every test:echo task, and the run id of every
// bot:run, to got.
func startEchoServer(t *testing.T, rdb redis.UniversalClient, got chan<- string) *asynq.Server {
	t.Helper()
	srv := tasks.NewServer(rdb, tasks.ServerConfig{Concurrency: 2, ShutdownTimeout: 2 * time.Second})
	mux := asynq.NewServeMux()
	mux.HandleFunc(typeEcho, func(_ context.Context, task *asynq.Task) error {
		got <- string(task.Payload())
		return nil
	})
	mux.HandleFunc(tasks.TypeBotRun, func(_ context.Context, task *asynq.Task) error {
		got <- tasks.TypeBotRun + " " + task.ResultWriter().TaskID()
		return nil
	})
	mux.HandleFunc(tasks.TypeSLASweep, func(_ context.Context, task *asynq.Task) error {
		got <- tasks.TypeSLASweep + " " + task.ResultWriter().TaskID()
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatalf("asynq server: %v", err)
	}
	t.Cleanup(srv.Shutdown)
	return srv
}

func enqueueEcho(t *testing.T, client *asynq.Client, payload string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.EnqueueContext(ctx, asynq.NewTask(typeEcho, []byte(payload)),
		asynq.Queue(tasks.QueueBots), asynq.MaxRetry(0)); err != nil {
		t.Fatalf("enqueue %q: %v", payload, err)
	}
}

// waitProcessed waits until the server reports want, ignoring others.
func waitProcessed(t *testing.T, got <-chan string, want string, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case s := <-got:
			if s == want {
				return
			}
		case <-deadline:
			t.Fatalf("%q not processed within %s", want, within)
		}
	}
}

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
