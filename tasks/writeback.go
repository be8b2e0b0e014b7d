package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
	"go.uber.org/zap"
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

// WriteBacks is the configured write-back bot as the TaskService sees it:
// which items it can act on. The write-back bot acts on accounts of its
// portal's coding worklist, so only coding holds read from that portal
// can be written back; resolutions that would write back anything else
// are refused and not offered.
type WriteBacks struct {
	bot orchestrator.Bot
}

var _ orchestrator.WriteBacker = (*WriteBacks)(nil)

// NewWriteBacks describes bot, the configured write-back bot.
func NewWriteBacks(bot orchestrator.Bot) (*WriteBacks, error) {
	if err := bot.Validate(); err != nil {
		return nil, fmt.Errorf("tasks: write-back bot: %w", err)
	}
	return &WriteBacks{bot: bot}, nil
}

// CanWriteBack is nil for a coding hold of the write-back bot's portal.
func (w *WriteBacks) CanWriteBack(it orchestrator.WorkItem) error {
	if it.Kind != orchestrator.KindCodingHold || it.Portal != w.bot.Portal {
		return fmt.Errorf("the write-back bot acts only on coding holds from %s, and this item is a %s from %s",
			w.bot.Portal, strings.ReplaceAll(string(it.Kind), "_", " "), it.Portal)
	}
	return nil
}

// WriteBackAction turns a resolved task's write-back request into the
// portal action the write-back bot performs (WriteBackNote does). An
// error wrapping writeback.ErrInvalidRequest fails the write-back for
// good, with the error's words shown to people.
type WriteBackAction func(ctx context.Context, req orchestrator.WriteBackRequest) (writeback.Request, error)

// WriteBackActor performs a portal action; *writeback.Bot is one.
type WriteBackActor interface {
	RunRequest(ctx context.Context, s *bots.Session, rec bots.Recorder, req writeback.Request) (writeback.Result, error)
}

// WriteBackHandlerConfig wires a WriteBackHandler.
type WriteBackHandlerConfig struct {
	Runner *Runner                   // required: runs the write-back as a run of Bot
	Store  orchestrator.Store        // required: the source of what to do
	Tasks  *orchestrator.TaskService // required: told when a write-back fails for good
	Bot    string                    // the write-back bot's name; default BotWriteBack
	Action WriteBackAction           // required: what to do at the portal
	Actor  WriteBackActor            // required: the write-back bot
	Logger *zap.Logger
}

// WriteBackHandler runs writeback:run jobs: a typed request built from the
// resolved task, performed by the write-back bot inside a run of it.
type WriteBackHandler struct {
	cfg WriteBackHandlerConfig
}

// NewWriteBackHandler checks cfg.
func NewWriteBackHandler(cfg WriteBackHandlerConfig) (*WriteBackHandler, error) {
	if cfg.Runner == nil || cfg.Store == nil || cfg.Tasks == nil || cfg.Action == nil || cfg.Actor == nil {
		return nil, errors.New("tasks: write-back handler needs a runner, a store, the task service, an action and the write-back bot")
	}
	if cfg.Bot == "" {
		cfg.Bot = BotWriteBack
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return &WriteBackHandler{cfg: cfg}, nil
}

// Register adds the handler to mux.
func (h *WriteBackHandler) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeWriteBack, h.HandleWriteBack)
}

// HandleWriteBack loads the resolved task the payload names, builds the
// request from it (the store, not Redis, is the source of what to do) and
// runs the write-back bot with it. A write-back that fails for good (a
// request the bot cannot carry out, or the last attempt) marks the task's
// action failed, in words, and opens a task for the automation team.
func (h *WriteBackHandler) HandleWriteBack(ctx context.Context, t *asynq.Task) error {
	p, err := parseWriteBack(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	task, err := h.cfg.Store.Task(ctx, p.TaskID)
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
	act := func(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
		wr, err := h.cfg.Action(ctx, req)
		if err != nil {
			return err
		}
		_, err = h.cfg.Actor.RunRequest(ctx, s, rec, wr)
		return err
	}
	runErr := h.cfg.Runner.handle(ctx, BotRunPayload{Bot: h.cfg.Bot, RunID: p.RunID, Slot: orchestrator.SlotManual}, act)
	if runErr == nil {
		return nil
	}
	final := context.WithoutCancel(ctx)
	run, err := h.cfg.Store.Run(final, p.RunID)
	if err != nil || run.Status != orchestrator.RunFailed {
		return runErr // it will be retried, or the run is not this attempt's
	}
	reason := actionFailure(runErr, run.Attempts)
	if err := persist(final, func(ctx context.Context) error {
		_, err := h.cfg.Tasks.WriteBackFailed(ctx, task.ID, p.RunID, reason)
		return err
	}); err != nil {
		h.cfg.Logger.Error("failed write-back not recorded on its task", zap.Int64("task", task.ID), zap.String("run_id", p.RunID), zap.Error(err))
	}
	return runErr
}
