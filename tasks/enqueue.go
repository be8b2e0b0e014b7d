package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
)

// Enqueuer records runs in the store and puts them on the queue. The run
// row is written first so the system of record never lacks a run the queue
// knows about. Scheduled slots (Enqueue) go to the queue directly: their
// run and task ids are per slot, and a slot whose enqueue failed is sent
// again on the next tick. Manual runs (EnqueueNow) go through the outbox.
type Enqueuer struct {
	client *asynq.Client
	store  orchestrator.Store
	now    func() time.Time
	wake   func()
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

// EnqueueNow starts a manual run of bot ("run now"): the run and its job
// commit together in the outbox, and a Dispatcher hands the job to the
// queue (at once when WithWake names one in this process). A Redis that
// is down delays the run; it never loses it.
func (e *Enqueuer) EnqueueNow(ctx context.Context, bot orchestrator.Bot) (orchestrator.Run, error) {
	runID := ManualRunID(bot.Name)
	payload, err := json.Marshal(orchestrator.BotRunJob{Bot: bot.Name, RunID: runID, Slot: orchestrator.SlotManual})
	if err != nil {
		return orchestrator.Run{}, fmt.Errorf("tasks: run %s: %w", runID, err)
	}
	run, _, err := e.store.CreateRunJob(ctx, orchestrator.Run{
		ID: runID, Bot: bot.Name, Slot: orchestrator.SlotManual, Status: orchestrator.RunQueued, QueuedAt: e.now().UTC(),
	}, orchestrator.OutboxMessage{Key: TaskID(runID), Kind: orchestrator.JobBotRun, Payload: payload})
	if err != nil {
		return run, fmt.Errorf("tasks: record run %s: %w", runID, err)
	}
	if e.wake != nil {
		e.wake()
	}
	return run, nil
}

// WithWake returns a copy of e that calls wake (a Dispatcher's Wake)
// after EnqueueNow commits a job.
func (e *Enqueuer) WithWake(wake func()) *Enqueuer {
	c := *e
	c.wake = wake
	return &c
}
