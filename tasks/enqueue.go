package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
)

// Enqueuer records runs in the store and puts them on the queue. The run
// row is written first so the system of record never lacks a run the queue
// knows about.
type Enqueuer struct {
	client *asynq.Client
	store  orchestrator.Store
	now    func() time.Time
}

// NewEnqueuer returns an Enqueuer; now nil means time.Now.
func NewEnqueuer(client *asynq.Client, store orchestrator.Store, now func() time.Time) *Enqueuer {
	if now == nil {
		now = time.Now
	}
	return &Enqueuer{client: client, store: store, now: now}
}

// ErrDuplicateRun reports that the run for that slot was already enqueued.
var ErrDuplicateRun = errors.New("run already enqueued")

// Enqueue records run runID of bot for slot and enqueues it. Enqueueing the
// same run id twice returns the stored run and ErrDuplicateRun.
func (e *Enqueuer) Enqueue(ctx context.Context, bot orchestrator.Bot, runID, slot string) (orchestrator.Run, error) {
	run, created, err := e.store.CreateRun(ctx, orchestrator.Run{
		ID: runID, Bot: bot.Name, Slot: slot, Status: orchestrator.RunQueued, QueuedAt: e.now().UTC(),
	})
	if err != nil {
		return run, fmt.Errorf("tasks: record run %s: %w", runID, err)
	}
	if !created && run.Status != orchestrator.RunQueued {
		return run, ErrDuplicateRun
	}
	task, err := NewBotRun(bot, BotRunPayload{Bot: bot.Name, RunID: runID, Slot: slot})
	if err != nil {
		return run, err
	}
	if _, err := e.client.EnqueueContext(ctx, task); err != nil {
		if errors.Is(err, asynq.ErrTaskIDConflict) {
			return run, ErrDuplicateRun
		}
		return run, fmt.Errorf("tasks: enqueue run %s: %w", runID, err)
	}
	return run, nil
}

// EnqueueNow starts a manual run of bot.
func (e *Enqueuer) EnqueueNow(ctx context.Context, bot orchestrator.Bot) (orchestrator.Run, error) {
	return e.Enqueue(ctx, bot, ManualRunID(bot.Name), orchestrator.SlotManual)
}
