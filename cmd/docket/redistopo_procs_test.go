package main

// Helpers for the Redis topology tests: redis-server and sentinel
// processes on free loopback ports in temporary directories (never the
// shared Redis on 6379), a Sentinel setup, a Cluster, and an asynq round
// trip.

import (
	"context"
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

	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
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
