package sqlstore

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

func outboxTests() []struct {
	name string
	fn   func(t *testing.T, s *Store)
} {
	return []struct {
		name string
		fn   func(t *testing.T, s *Store)
	}{
		{"ResolveOneTransaction", testResolveOneTransaction},
		{"ResolveAllOrNothing", testResolveAllOrNothing},
		{"OutboxClaimLeaseSent", testOutboxClaimLeaseSent},
		{"OutboxClaimConcurrent", testOutboxClaimConcurrent},
		{"CreateRunJob", testCreateRunJob},
		{"OutboxPrune", testOutboxPrune},
	}
}

func msg(key string) orchestrator.OutboxMessage {
	return orchestrator.OutboxMessage{Key: key, Kind: orchestrator.JobWriteBack, Payload: []byte(`{"run_id":"` + key + `"}`)}
}

// resolveUpdate is a resolution of task that ends its item (started
// first) and asks for a write-back.
func resolveUpdate(task orchestrator.HumanTask, it orchestrator.WorkItem, key string) orchestrator.TaskUpdate {
	n := task
	n.Status, n.Outcome, n.CompletedAt, n.CompletedBy, n.Assignee = orchestrator.TaskCompleted, "code_corrected", t0, "alice", "alice"
	n.WriteBackRunID = key
	started := it.State()
	started.Status, started.LeaseOwner, started.LeaseUntil = orchestrator.ItemInProgress, "user:alice", t0.Add(time.Hour)
	done := started
	done.Status, done.LeaseOwner, done.LeaseUntil, done.StatusReason = orchestrator.ItemSuccessful, "", time.Time{}, "resolved"
	return orchestrator.TaskUpdate{Task: n, Actor: "user:alice", Action: "task.resolved", History: "task resolved", At: t0,
		Items: []orchestrator.ItemUpdate{
			{ItemID: it.ID, Version: it.Version, State: started, Actor: "user:alice", Action: orchestrator.ActionStarted, At: t0},
			{ItemID: it.ID, Version: it.Version + 1, State: done, Actor: "user:alice", Action: orchestrator.ActionSucceeded, Reason: "resolved", At: t0},
		},
		Outbox: []orchestrator.OutboxMessage{msg(key)},
	}
}

// A resolution, its item's end and its write-back request are one write.
func testResolveOneTransaction(t *testing.T, s *Store) {
	ctx := ctxT(t)
	it := newItem(t, s, "O1")
	task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueCoding, Reason: "r"})
	must(t, err)
	out, err := s.UpdateTask(ctx, resolveUpdate(task, it, "wb:1"))
	must(t, err)
	if out.Status != orchestrator.TaskCompleted || out.WriteBackRunID != "wb:1" {
		t.Fatalf("task %+v", out)
	}
	got, err := s.Item(ctx, it.ID)
	must(t, err)
	if got.Status != orchestrator.ItemSuccessful || got.Version != it.Version+2 {
		t.Fatalf("item status %s version %d, want successful at %d", got.Status, got.Version, it.Version+2)
	}
	m, err := s.OutboxMessage(ctx, "wb:1")
	must(t, err)
	if m.Kind != orchestrator.JobWriteBack || !m.SentAt.IsZero() || !m.CreatedAt.Equal(dbTime(t0)) {
		t.Fatalf("message %+v", m)
	}
	st, err := s.OutboxStats(ctx)
	must(t, err)
	if st.Unsent != 1 || !st.OldestUnsent.Equal(dbTime(t0)) {
		t.Fatalf("stats %+v", st)
	}
	// The action failed: the task keeps the reason.
	out.ActionError = "the portal refused"
	out, err = s.UpdateTask(ctx, orchestrator.TaskUpdate{Task: out, Actor: orchestrator.ActorSystem, Action: "task.action_failed", At: t0})
	must(t, err)
	if again, _ := s.Task(ctx, out.ID); again.ActionError != "the portal refused" {
		t.Fatalf("action error %q", again.ActionError)
	}
}

// A resolution whose item moved meanwhile, or whose message is invalid,
// writes nothing: not the task, not the item, not the message.
func testResolveAllOrNothing(t *testing.T, s *Store) {
	ctx := ctxT(t)
	it := newItem(t, s, "O2")
	task, _, err := s.CreateTask(ctx, orchestrator.HumanTask{ItemID: it.ID, Queue: orchestrator.QueueCoding, Reason: "r"})
	must(t, err)
	u := resolveUpdate(task, it, "wb:2")
	u.Items[1].Version = it.Version + 5 // someone else moved the item
	_, err = s.UpdateTask(ctx, u)
	wantErr(t, err, orchestrator.ErrConflict)
	bad := resolveUpdate(task, it, "wb:2")
	bad.Outbox[0].Payload = nil
	_, err = s.UpdateTask(ctx, bad)
	wantErr(t, err, orchestrator.ErrInvalid)
	got, err := s.Task(ctx, task.ID)
	must(t, err)
	if got.Status.Open() == false || got.Version != task.Version {
		t.Fatalf("task was written: %+v", got)
	}
	if item, _ := s.Item(ctx, it.ID); item.Version != it.Version || item.Status != it.Status {
		t.Fatalf("item was written: %+v", item)
	}
	_, err = s.OutboxMessage(ctx, "wb:2")
	wantErr(t, err, orchestrator.ErrNotFound)
	hist, err := s.History(ctx, it.ID)
	must(t, err)
	if len(hist) != 1 {
		t.Fatalf("history has %d entries, want the observation's only", len(hist))
	}
}

// A claimed message is leased; a failure sets the next try; a sent one
// is never claimed again; a second write of the same key keeps the first.
func testOutboxClaimLeaseSent(t *testing.T, s *Store) {
	ctx := ctxT(t)
	_, _, err := s.CreateRunJob(ctx, orchestrator.Run{ID: "r-a", Bot: "b", QueuedAt: t0}, msg("a"))
	must(t, err)
	_, _, err = s.CreateRunJob(ctx, orchestrator.Run{ID: "r-b", Bot: "b", QueuedAt: t0.Add(time.Second)}, msg("b"))
	must(t, err)
	got, err := s.ClaimOutbox(ctx, t0.Add(time.Minute), t0.Add(2*time.Minute), 10)
	must(t, err)
	if len(got) != 2 || got[0].Key != "a" || got[1].Key != "b" || got[0].Attempts != 1 {
		t.Fatalf("claimed %+v", got)
	}
	if again, _ := s.ClaimOutbox(ctx, t0.Add(time.Minute), t0.Add(2*time.Minute), 10); len(again) != 0 {
		t.Fatalf("leased messages claimed again: %+v", again)
	}
	must(t, s.OutboxSent(ctx, "a", t0.Add(time.Minute)))
	must(t, s.OutboxFailed(ctx, "b", "redis: connection refused", t0.Add(3*time.Minute)))
	if again, _ := s.ClaimOutbox(ctx, t0.Add(150*time.Second), t0.Add(4*time.Minute), 10); len(again) != 0 {
		t.Fatalf("claimed before its retry time: %+v", again)
	}
	again, err := s.ClaimOutbox(ctx, t0.Add(3*time.Minute), t0.Add(4*time.Minute), 10)
	must(t, err)
	if len(again) != 1 || again[0].Key != "b" || again[0].Attempts != 2 || again[0].LastError != "redis: connection refused" {
		t.Fatalf("retry claim %+v", again)
	}
	_, _, err = s.CreateRunJob(ctx, orchestrator.Run{ID: "r-a", Bot: "b"}, msg("a"))
	must(t, err)
	a, err := s.OutboxMessage(ctx, "a")
	must(t, err)
	if a.SentAt.IsZero() {
		t.Fatalf("a second write of a sent message made it unsent: %+v", a)
	}
	st, err := s.OutboxStats(ctx)
	must(t, err)
	if st.Unsent != 1 {
		t.Fatalf("stats %+v", st)
	}
	wantErr(t, s.OutboxSent(ctx, "nope", t0), orchestrator.ErrNotFound)
}

// Dispatchers claiming at once get disjoint messages.
func testOutboxClaimConcurrent(t *testing.T, s *Store) {
	ctx := ctxT(t)
	const n = 40
	for i := range n {
		_, _, err := s.CreateRunJob(ctx, orchestrator.Run{ID: fmt.Sprint("r", i), Bot: "b", QueuedAt: t0}, msg(fmt.Sprint("k", i)))
		must(t, err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = map[string]int{}
		errs []error
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := s.ClaimOutbox(ctx, t0.Add(time.Minute), t0.Add(time.Hour), 3)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				for _, m := range got {
					seen[m.Key]++
				}
				mu.Unlock()
				if err != nil || len(got) == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Fatalf("claimed %d distinct messages, want %d", len(seen), n)
	}
	for k, c := range seen {
		if c != 1 {
			t.Fatalf("message %s claimed %d times", k, c)
		}
	}
}

// CreateRunJob writes the run and the message together, each once.
func testCreateRunJob(t *testing.T, s *Store) {
	ctx := ctxT(t)
	run, created, err := s.CreateRunJob(ctx, orchestrator.Run{ID: "r1", Bot: "b", QueuedAt: t0}, msg("j1"))
	must(t, err)
	if !created || run.Status != orchestrator.RunQueued {
		t.Fatalf("run %+v created %v", run, created)
	}
	_, created, err = s.CreateRunJob(ctx, orchestrator.Run{ID: "r1", Bot: "b", QueuedAt: t0}, msg("j1"))
	must(t, err)
	if created {
		t.Fatal("created twice")
	}
	_, _, err = s.CreateRunJob(ctx, orchestrator.Run{ID: "r2", Bot: "b"}, orchestrator.OutboxMessage{Key: "j2"})
	wantErr(t, err, orchestrator.ErrInvalid)
	_, err = s.Run(ctx, "r2")
	wantErr(t, err, orchestrator.ErrNotFound)
}

// Pruning deletes messages sent before the cut, oldest first and at most
// the limit, and never an unsent one however old.
func testOutboxPrune(t *testing.T, s *Store) {
	ctx := ctxT(t)
	for i, key := range []string{"p1", "p2", "p3", "p4", "unsent"} {
		_, _, err := s.CreateRunJob(ctx, orchestrator.Run{ID: "r-" + key, Bot: "b", QueuedAt: t0.Add(time.Duration(i) * time.Second)}, msg(key))
		must(t, err)
	}
	got, err := s.ClaimOutbox(ctx, t0.Add(time.Minute), t0.Add(2*time.Minute), 10)
	must(t, err)
	if len(got) != 5 {
		t.Fatalf("claimed %d", len(got))
	}
	for i, key := range []string{"p1", "p2", "p3", "p4"} {
		must(t, s.OutboxSent(ctx, key, t0.Add(time.Duration(i+1)*time.Hour)))
	}
	n, err := s.PruneOutbox(ctx, t0.Add(150*time.Minute), 10) // p1 and p2 were sent before
	must(t, err)
	if n != 2 {
		t.Fatalf("pruned %d, want 2", n)
	}
	wantErr(t, errOf(s.OutboxMessage(ctx, "p1")), orchestrator.ErrNotFound)
	wantErr(t, errOf(s.OutboxMessage(ctx, "p2")), orchestrator.ErrNotFound)
	n, err = s.PruneOutbox(ctx, t0.Add(1000*time.Hour), 1)
	must(t, err)
	if n != 1 {
		t.Fatalf("pruned %d with limit 1", n)
	}
	wantErr(t, errOf(s.OutboxMessage(ctx, "p3")), orchestrator.ErrNotFound) // the oldest went first
	_, err = s.OutboxMessage(ctx, "p4")
	must(t, err)
	n, err = s.PruneOutbox(ctx, t0.Add(1000*time.Hour), 10)
	must(t, err)
	if n != 1 {
		t.Fatalf("pruned %d, want p4 only", n)
	}
	m, err := s.OutboxMessage(ctx, "unsent")
	if err != nil || !m.SentAt.IsZero() {
		t.Fatalf("the unsent message: %+v %v", m, err)
	}
	if st, err := s.OutboxStats(ctx); err != nil || st.Unsent != 1 {
		t.Fatalf("stats %+v %v", st, err)
	}
}

func errOf[T any](_ T, err error) error { return err }
