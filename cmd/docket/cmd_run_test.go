package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// lineWatch is a writer that signals when its text first contains want.
type lineWatch struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *lineWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *lineWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

const noWorkerLine = "queued: no worker is listening on queue bots; start one with `docket worker`"

// startRun runs `docket run coding-holds` against redisURL until ctx ends,
// writing to out (not a terminal).
func startRun(ctx context.Context, t *testing.T, redisURL string, out *lineWatch) <-chan int {
	done := make(chan int, 1)
	dir := t.TempDir()
	go func() {
		done <- Main(ctx, []string{"run", "coding-holds", "--redis-url", redisURL, "--data-dir", dir, "--log-level", "error"},
			nil, strings.NewReader(""), out, new(bytes.Buffer))
	}()
	return done
}

// With no worker on the queue, docket run says so within seconds, in plain
// lines: no spinner frames or carriage returns in a pipe.
func TestRunSaysNoWorkerIsListening(t *testing.T) {
	r := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := &lineWatch{want: noWorkerLine, seen: make(chan struct{})}
	began := time.Now()
	done := startRun(ctx, t, r.URL, out)
	select {
	case <-out.seen:
	case <-time.After(10 * time.Second):
		t.Fatalf("no word of a missing worker after 10 s; output:\n%s", out.String())
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("said no worker is listening after %s, want within 5 s", took)
	}
	cancel()
	<-done
	got := out.String()
	if strings.ContainsAny(got, "\r\x1b") || strings.ContainsFunc(got, func(r rune) bool { return r >= 0x2800 && r <= 0x28ff }) {
		t.Errorf("output off a terminal holds progress-bar frames: %q", got)
	}
	if n := strings.Count(got, noWorkerLine); n != 1 {
		t.Errorf("the no-worker line appears %d times, want once:\n%s", n, got)
	}
}

// With an asynq server on the queue (what a worker runs), docket run does
// not claim that no worker is listening.
func TestRunSeesAListeningWorker(t *testing.T) {
	r := startRedis(t)
	opt, err := redis.ParseURL(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	srv := asynq.NewServer(asynq.RedisClientOpt{Addr: opt.Addr}, asynq.Config{
		Queues: map[string]int{tasks.QueueBots: 1}, Concurrency: 1, LogLevel: asynq.ErrorLevel,
		// Hand every task straight back so the run stays queued.
		RetryDelayFunc: func(int, error, *asynq.Task) time.Duration { return time.Hour },
	})
	mux := asynq.NewServeMux()
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := &lineWatch{want: noWorkerLine, seen: make(chan struct{})}
	done := startRun(ctx, t, r.URL, out)
	select {
	case <-out.seen:
		t.Errorf("said no worker is listening while one is:\n%s", out.String())
	case <-time.After(noWorkerGrace + 3*noWorkerEvery):
	}
	cancel()
	<-done
	if !strings.Contains(out.String(), "queued: waiting for a worker") {
		t.Errorf("output:\n%s", out.String())
	}
}

// A failed run is told once, in words: the summary line names the error
// without the queue's retry marker, and nothing is repeated on stderr. The
// test plays the worker by ending the attempt in the store docket run
// follows.
func TestRunFailureToldOnce(t *testing.T) {
	r := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	db := filepath.Join(dir, "docket.db")
	out := &lineWatch{want: "\n", seen: make(chan struct{})}
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run", "coding-holds", "--redis-url", r.URL, "--data-dir", dir, "--database-url", db, "--log-level", "error"},
			nil, strings.NewReader(""), out, &stderr)
	}()
	select {
	case <-out.seen:
	case <-time.After(20 * time.Second):
		t.Fatalf("no run enqueued: %q", out.String())
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	id, ok := strings.CutPrefix(first, "enqueued run ")
	if !ok {
		t.Fatalf("first line %q", out.String())
	}
	st, err := sqlstore.Open(ctx, sqlstore.Config{URL: db})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.StartAttempt(ctx, id, "w1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishAttempt(ctx, id, orchestrator.RunFailed, "coding-worklist: sign-in rejected: "+asynq.SkipRetry.Error(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	got := out.String()
	if strings.Count(got, "sign-in rejected") != 1 || strings.Contains(got, "skip retry") || !strings.Contains(got, "error: coding-worklist: sign-in rejected") {
		t.Errorf("stdout does not tell the failure once in words:\n%s", got)
	}
	if stderr.Len() != 0 {
		t.Errorf("the failure is told again on stderr: %q", stderr.String())
	}
}
