package tasks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
)

// restartingStore fails an attempt's closing writes a few times, as a
// store does while PostgreSQL restarts.
type restartingStore struct {
	orchestrator.Store
	mu                      sync.Mutex
	finishFails, auditFails int
}

var errConnRefused = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (s *restartingStore) fail(n *int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *n > 0 {
		*n--
		return errConnRefused
	}
	return nil
}

func (s *restartingStore) FinishAttempt(ctx context.Context, id string, st orchestrator.RunStatus, msg string, at time.Time) error {
	if err := s.fail(&s.finishFails); err != nil {
		return err
	}
	return s.Store.FinishAttempt(ctx, id, st, msg, at)
}

func (s *restartingStore) AppendAudit(ctx context.Context, a orchestrator.AuditEntry) (orchestrator.AuditEntry, error) {
	if err := s.fail(&s.auditFails); err != nil {
		return a, err
	}
	return s.Store.AppendAudit(ctx, a)
}

// An attempt broken by a database restart must still record its end once
// the database is back: otherwise the run says "running" until the next
// attempt (for good after the last one) and the audit log misses it.
func TestAttemptEndOutlastsDatabaseRestart(t *testing.T) {
	f := newFixture(t)
	st := &restartingStore{Store: f.store, finishFails: 2, auditFails: 1}
	bot := testBot("restart")
	runner, err := NewRunner(RunnerConfig{
		Store: st, Evidence: f.evidence, Sessions: nullSessions{}, Metrics: f.metrics,
		Bots:    map[string]orchestrator.Bot{bot.Name: bot},
		Impls:   map[string]bots.Bot{"fake": &fakeBot{err: fmt.Errorf("upsert: %w", errConnRefused)}},
		Targets: map[string]bots.Target{"sim": {Portal: "sim", BaseURL: "http://sim.invalid"}}, Worker: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run, _, err := f.store.CreateRun(ctx, orchestrator.Run{ID: ManualRunID(bot.Name), Bot: bot.Name,
		Slot: orchestrator.SlotManual, Status: orchestrator.RunQueued, QueuedAt: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	task, err := NewBotRun(bot, BotRunPayload{Bot: bot.Name, RunID: run.ID, Slot: run.Slot})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.HandleBotRun(ctx, task); !errors.Is(err, errConnRefused) {
		t.Fatalf("HandleBotRun = %v, want the attempt's error for asynq to retry", err)
	}
	run, err = f.store.Run(ctx, run.ID)
	if err != nil || run.Status != orchestrator.RunRetrying || run.Attempts != 1 {
		t.Fatalf("run = %+v, %v; want retrying after 1 attempt", run, err)
	}
	audit, err := f.store.AuditLog(ctx, 0, 100)
	if err != nil || len(audit) != 1 || audit[0].Action != "run.retrying" {
		t.Fatalf("audit = %+v, %v; want one run.retrying entry", audit, err)
	}
}
