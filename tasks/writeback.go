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

// TypeWriteBack is the task that runs a write-back: the write-back bot
// goes back to the portal for a resolved human task, re-checks the state,
// acts once and captures before and after evidence. It runs as a bot run
// (run id orchestrator.WriteBackRunID(task)), so the task's page shows the
// run's result and evidence.
const TypeWriteBack = "writeback:run"

// BotWriteBack is the default name of the configured write-back bot.
const BotWriteBack = "writeback"

// WriteBackPayload identifies a write-back; ids only, never portal data.
type WriteBackPayload struct {
	RunID  string `json:"run_id"`
	TaskID int64  `json:"task_id"`
	ItemID int64  `json:"item_id"`
}

func (p WriteBackPayload) validate() error {
	if p.RunID == "" || p.TaskID <= 0 || p.ItemID <= 0 {
		return errors.New("tasks: writeback:run payload needs run_id, task_id and item_id")
	}
	return nil
}

// NewWriteBack builds the task with bot's retry and timeout policy; its
// task id is the run's, so a second enqueue is refused.
func NewWriteBack(bot orchestrator.Bot, p WriteBackPayload) (*asynq.Task, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: marshal writeback:run payload: %w", err)
	}
	return asynq.NewTask(TypeWriteBack, b,
		asynq.TaskID(TypeWriteBack+":"+p.RunID),
		asynq.Queue(QueueBots),
		asynq.MaxRetry(bot.MaxRetry),
		asynq.Timeout(bot.Timeout),
		asynq.Retention(RetentionDefault),
	), nil
}

func parseWriteBack(t *asynq.Task) (WriteBackPayload, error) {
	var p WriteBackPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return p, fmt.Errorf("tasks: writeback:run payload is not JSON: %w", err)
	}
	return p, p.validate()
}

// WriteBacks enqueues write-back runs for resolved tasks; it is the
// orchestrator.WriteBacker the TaskService uses.
type WriteBacks struct {
	client *asynq.Client
	store  orchestrator.Store
	bot    orchestrator.Bot
	now    func() time.Time
}

var _ orchestrator.WriteBacker = (*WriteBacks)(nil)

// NewWriteBacks enqueues runs of bot (the configured write-back bot);
// now nil means time.Now.
func NewWriteBacks(client *asynq.Client, store orchestrator.Store, bot orchestrator.Bot, now func() time.Time) (*WriteBacks, error) {
	if client == nil || store == nil {
		return nil, errors.New("tasks: write-backs need an asynq client and a store")
	}
	if err := bot.Validate(); err != nil {
		return nil, fmt.Errorf("tasks: write-back bot: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	return &WriteBacks{client: client, store: store, bot: bot, now: now}, nil
}

// EnqueueWriteBack records the run (so the task shows it as queued at
// once) and enqueues it. Enqueueing the same run twice is not an error.
func (w *WriteBacks) EnqueueWriteBack(ctx context.Context, req orchestrator.WriteBackRequest) error {
	run, _, err := w.store.CreateRun(ctx, orchestrator.Run{
		ID: req.RunID, Bot: w.bot.Name, Slot: orchestrator.SlotManual, Status: orchestrator.RunQueued, QueuedAt: w.now().UTC(),
	})
	if err != nil {
		return fmt.Errorf("tasks: record write-back run %s: %w", req.RunID, err)
	}
	if run.Status != orchestrator.RunQueued {
		return nil // already ran
	}
	t, err := NewWriteBack(w.bot, WriteBackPayload{RunID: req.RunID, TaskID: req.TaskID, ItemID: req.ItemID})
	if err != nil {
		return err
	}
	if _, err := w.client.EnqueueContext(ctx, t); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("tasks: enqueue write-back run %s: %w", req.RunID, err)
	}
	return nil
}

// WriteBackHandler runs writeback:run tasks through the Runner as runs of
// the write-back bot, with the request in the context for the bot
// (bots/writeback's WithRequest).
type WriteBackHandler struct {
	runner      *Runner
	store       orchestrator.Store
	bot         string
	withRequest func(context.Context, orchestrator.WriteBackRequest) context.Context
}

// NewWriteBackHandler runs write-backs as runs of the bot named bot;
// withRequest puts the request where the write-back bot finds it.
func NewWriteBackHandler(runner *Runner, store orchestrator.Store, bot string,
	withRequest func(context.Context, orchestrator.WriteBackRequest) context.Context) (*WriteBackHandler, error) {
	if runner == nil || store == nil || bot == "" || withRequest == nil {
		return nil, errors.New("tasks: write-back handler needs a runner, a store, a bot name and withRequest")
	}
	return &WriteBackHandler{runner: runner, store: store, bot: bot, withRequest: withRequest}, nil
}

// Register adds the handler to mux.
func (h *WriteBackHandler) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeWriteBack, h.HandleWriteBack)
}

// HandleWriteBack loads the resolved task the payload names, builds the
// request from it (the store, not Redis, is the source of what to do) and
// runs the write-back bot.
func (h *WriteBackHandler) HandleWriteBack(ctx context.Context, t *asynq.Task) error {
	p, err := parseWriteBack(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	task, err := h.store.Task(ctx, p.TaskID)
	if errors.Is(err, orchestrator.ErrNotFound) {
		return fmt.Errorf("tasks: write-back %s: task %d: %w: %w", p.RunID, p.TaskID, err, asynq.SkipRetry)
	}
	if err != nil {
		return fmt.Errorf("tasks: write-back %s: %w", p.RunID, err)
	}
	if task.WriteBackRunID != p.RunID || task.ItemID != p.ItemID || task.Status != orchestrator.TaskCompleted {
		return fmt.Errorf("tasks: write-back %s does not match task %d (run %q, item %d, %s): %w",
			p.RunID, task.ID, task.WriteBackRunID, task.ItemID, task.Status, asynq.SkipRetry)
	}
	req := orchestrator.WriteBackRequest{RunID: p.RunID, TaskID: task.ID, ItemID: task.ItemID, Queue: task.Queue,
		Outcome: task.Outcome, Actor: orchestrator.UserActor(task.CompletedBy)}
	payload, err := json.Marshal(BotRunPayload{Bot: h.bot, RunID: p.RunID, Slot: orchestrator.SlotManual})
	if err != nil {
		return fmt.Errorf("tasks: write-back %s: %w", p.RunID, err)
	}
	return h.runner.HandleBotRun(h.withRequest(ctx, req), asynq.NewTask(TypeBotRun, payload))
}
