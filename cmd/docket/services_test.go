package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// The scale test restarts Redis and PostgreSQL on purpose, so it runs its
// own of each: restarting the machine's would break the other test
// packages `make test` runs in parallel. Both are children of the test
// process (killed with it, PR_SET_PDEATHSIG) and stopped when the test ends.

// service is a server process the test can stop and start again on the
// same port and data.
type service struct {
	name   string
	argv   []string
	cred   *syscall.Credential // run as this user (PostgreSQL refuses root)
	dir    string
	ready  func(ctx context.Context) error
	stopSg syscall.Signal // graceful stop

	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
}

func (s *service) start(t *testing.T) {
	t.Helper()
	s.log = &lockedBuffer{}
	s.exited = make(chan struct{})
	s.cmd = exec.Command(s.argv[0], s.argv[1:]...)
	s.cmd.Dir = s.dir
	s.cmd.Env = cleanEnv()
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Credential: s.cred}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", s.name, err)
	}
	exited := s.exited
	cmd := s.cmd
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.waitReady(t)
}

// waitReady polls until the service answers.
func (s *service) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := s.ready(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-s.exited:
			t.Fatalf("%s exited while starting: %v\n%s", s.name, err, tail(s.log.String(), 4000))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer within 60s: %v\n%s", s.name, err, tail(s.log.String(), 4000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop shuts the service down gracefully and waits for it to exit.
func (s *service) stop(t *testing.T) {
	t.Helper()
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(s.stopSg)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		t.Errorf("%s ignored %s for 30s; killing it\n%s", s.name, s.stopSg, tail(s.log.String(), 2000))
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// restart stops the service gracefully, starts it again on the same port
// and data, and returns how long it did not answer.
func (s *service) restart(t *testing.T) time.Duration {
	t.Helper()
	began := time.Now()
	s.stop(t)
	s.start(t)
	return time.Since(began)
}

type redisServer struct {
	service
	URL string // redis://127.0.0.1:port/0
}

// startRedis runs a private redis-server that keeps its data in an
// append-only file, as a production Redis for asynq would, so a restart
// keeps the queued tasks; noeviction because asynq must never lose a key.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	bin := requireTool(t, "redis-server")
	dir := t.TempDir()
	port := freePort(t)
	r := &redisServer{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port)}
	rdb := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	r.service = service{
		name: "redis-server",
		argv: []string{bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--dir", dir,
			"--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--maxmemory-policy", "noeviction",
			"--daemonize", "no", "--logfile", ""},
		dir:    dir,
		stopSg: syscall.SIGTERM, // SHUTDOWN: fsync the append-only file, then exit
		ready:  func(ctx context.Context) error { return rdb.Ping(ctx).Err() },
	}
	r.start(t)
	t.Cleanup(func() { r.stop(t) })
	return r
}

type pgServer struct {
	service
	URL string // postgres://postgres@127.0.0.1:port/postgres
}

// postgresBinDir is the newest /usr/lib/postgresql/*/bin, where Debian
// keeps initdb and postgres off the PATH.
func postgresBinDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d
		}
	}
	return filepath.Dir(requireTool(t, "postgres"))
}

// startPostgres initialises a throwaway cluster (trust auth, fsync off)
// and runs it on a free loopback port. As root it runs as the postgres OS
// user, since PostgreSQL refuses to run as root; its directory is outside
// t.TempDir (whose parent that user cannot enter).
func startPostgres(t *testing.T) *pgServer {
	t.Helper()
	binDir := postgresBinDir(t)
	dir, err := os.MkdirTemp("", "docket-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, PostgreSQL needs the postgres OS user (make test installs the postgresql package): %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(binDir, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale", "C", "--no-sync")
	initdb.Dir, initdb.Env = dir, cleanEnv()
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	p := &pgServer{URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	p.service = service{
		name: "postgres",
		argv: []string{filepath.Join(binDir, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
			"-c", "full_page_writes=off", "-c", "shared_buffers=32MB", "-c", "max_connections=200"},
		cred:   cred,
		dir:    dir,
		stopSg: syscall.SIGINT, // "fast" shutdown, as pg_ctl restart -m fast
		ready: func(ctx context.Context) error {
			c, err := pgx.Connect(ctx, p.URL)
			if err != nil {
				return err
			}
			defer c.Close(context.Background())
			return c.Ping(ctx)
		},
	}
	p.start(t)
	t.Cleanup(func() { p.stop(t) })
	return p
}
