package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
	"go.uber.org/zap"
)

// Defaults for DispatcherConfig.
const (
	DispatchPollDefault  = time.Second
	DispatchLeaseDefault = 30 * time.Second
	DispatchBatchDefault = 50
	DispatchBackoffMin   = time.Second
	DispatchBackoffMax   = time.Minute
	// DispatchRetentionDefault is how long a sent message is kept.
	DispatchRetentionDefault = 7 * 24 * time.Hour
	// DispatchPruneEveryDefault is how often sent messages past their
	// retention are deleted.
	DispatchPruneEveryDefault = time.Hour
)

// DispatcherConfig wires a Dispatcher.
type DispatcherConfig struct {
	Store  orchestrator.Store // required
	Client *asynq.Client      // required
	// Bots are the configured bots by name: a job runs with its bot's
	// retry and timeout policy. The write-back bot is named BotWriteBack.
	Bots   map[string]orchestrator.Bot
	Logger *zap.Logger
	// Poll is how often the outbox is read when nobody wakes the
	// dispatcher. Default DispatchPollDefault.
	Poll time.Duration
	// Lease is how long a claimed message is left to this dispatcher
	// before another may take it (this one crashed). Default
	// DispatchLeaseDefault.
	Lease time.Duration
	// Batch bounds the messages one claim takes. Default
	// DispatchBatchDefault.
	Batch int
	// Retention is how long a sent message is kept (the outbox answers
	// "was this job sent" until then); older ones are deleted. Default
	// DispatchRetentionDefault.
	Retention time.Duration
	// PruneEvery is how often sent messages past Retention are deleted:
	// at start, then at most this often. Default DispatchPruneEveryDefault.
	PruneEvery time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Dispatcher hands committed outbox messages to asynq and marks them
// sent: the second half of the transactional outbox. Each job has a
// deterministic task id, so a message enqueued twice (a dispatcher that
// died between enqueue and mark, two replicas) runs once: asynq refuses
// the second with ErrTaskIDConflict, which counts as sent. When Redis
// refuses, the message stays unsent and is tried again after a backoff
// that doubles from DispatchBackoffMin to DispatchBackoffMax.
type Dispatcher struct {
	cfg  DispatcherConfig
	wake chan struct{}

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewDispatcher applies defaults and checks cfg.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Store == nil || cfg.Client == nil {
		return nil, errors.New("tasks: dispatcher needs a store and an asynq client")
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DispatchPollDefault
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DispatchLeaseDefault
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DispatchBatchDefault
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DispatchRetentionDefault
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = DispatchPruneEveryDefault
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Dispatcher{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Wake asks for a dispatch now rather than at the next poll; it never
// blocks (the TaskService's OnOutbox).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Start dispatches until Stop or ctx ends.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done != nil {
		return errors.New("tasks: dispatcher already started")
	}
	ctx, d.cancel = context.WithCancel(ctx)
	d.done = make(chan struct{})
	go d.loop(ctx, d.done)
	return nil
}

// Stop ends the loop and waits for it; calling it again is harmless.
func (d *Dispatcher) Stop() {
	d.mu.Lock()
	cancel, done := d.cancel, d.done
	d.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (d *Dispatcher) loop(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	var pruned time.Time
	for {
		if now := d.cfg.Now(); now.Sub(pruned) >= d.cfg.PruneEvery {
			pruned = now
			if _, err := d.PruneOnce(ctx); err != nil && ctx.Err() == nil {
				d.cfg.Logger.Warn("outbox: prune failed", zap.Error(err))
			}
		}
		for {
			n, err := d.DispatchOnce(ctx)
			if err != nil && ctx.Err() == nil {
				d.cfg.Logger.Warn("outbox: claim failed", zap.Error(err))
			}
			if err != nil || n < d.cfg.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
		}
	}
}

// DispatchOnce claims one batch of due messages and sends each; it
// returns how many it claimed. A message that fails waits for its
// backoff; once Redis refused one, the rest of the batch waits too rather
// than each paying a connection timeout.
func (d *Dispatcher) DispatchOnce(ctx context.Context) (int, error) {
	now := d.cfg.Now()
	msgs, err := d.cfg.Store.ClaimOutbox(ctx, now, now.Add(d.cfg.Lease), d.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var down error
	for _, m := range msgs {
		err := down
		if err == nil {
			err = d.send(ctx, m)
		}
		if err == nil {
			if err := d.cfg.Store.OutboxSent(ctx, m.Key, d.cfg.Now()); err != nil {
				// Sent but not marked: the lease ends, it is sent again and
				// the queue refuses the duplicate.
				d.cfg.Logger.Warn("outbox: job sent but not marked", zap.String("key", m.Key), zap.Error(err))
			}
			continue
		}
		var bad *badMessageError
		if !errors.As(err, &bad) && down == nil {
			down = err
		}
		wait := backoff(m.Attempts)
		if bad != nil {
			wait = DispatchBackoffMax
		}
		d.cfg.Logger.Warn("outbox: job not sent", zap.String("key", m.Key), zap.Int("attempts", m.Attempts),
			zap.Duration("retry_in", wait), zap.Error(err))
		if err := d.cfg.Store.OutboxFailed(context.WithoutCancel(ctx), m.Key, err.Error(), d.cfg.Now().Add(wait)); err != nil {
			d.cfg.Logger.Warn("outbox: failure not recorded", zap.String("key", m.Key), zap.Error(err))
		}
	}
	return len(msgs), nil
}

// backoff is the wait after the attempts-th failed attempt.
func backoff(attempts int) time.Duration {
	wait := DispatchBackoffMin
	for i := 1; i < attempts && wait < DispatchBackoffMax; i++ {
		wait *= 2
	}
	return min(wait, DispatchBackoffMax)
}

// badMessageError is a message no retry can send (unknown kind, bad
// payload, a bot this process does not know): it stays in the outbox,
// tried rarely, and the outbox age alert tells someone.
type badMessageError struct{ err error }

func (e *badMessageError) Error() string { return e.err.Error() }
func (e *badMessageError) Unwrap() error { return e.err }

func bad(format string, args ...any) error { return &badMessageError{fmt.Errorf(format, args...)} }

// send enqueues one message's job; a job the queue holds already counts as
// sent.
func (d *Dispatcher) send(ctx context.Context, m orchestrator.OutboxMessage) error {
	var task *asynq.Task
	switch m.Kind {
	case orchestrator.JobWriteBack:
		var req orchestrator.WriteBackRequest
		if err := json.Unmarshal(m.Payload, &req); err != nil {
			return bad("tasks: outbox %s: payload: %w", m.Key, err)
		}
		bot, ok := d.cfg.Bots[BotWriteBack]
		if !ok {
			return bad("tasks: outbox %s: no write-back bot is configured", m.Key)
		}
		// The run is recorded first, so the task's page shows it queued.
		run, _, err := d.cfg.Store.CreateRun(ctx, orchestrator.Run{ID: req.RunID, Bot: bot.Name,
			Slot: orchestrator.SlotManual, Status: orchestrator.RunQueued, QueuedAt: m.CreatedAt})
		if err != nil {
			return fmt.Errorf("tasks: outbox %s: record run: %w", m.Key, err)
		}
		if run.Status.Done() {
			return nil
		}
		if task, err = NewWriteBack(bot, WriteBackPayload{RunID: req.RunID, TaskID: req.TaskID, ItemID: req.ItemID}); err != nil {
			return bad("tasks: outbox %s: %w", m.Key, err)
		}
	case orchestrator.JobBotRun:
		var job orchestrator.BotRunJob
		if err := json.Unmarshal(m.Payload, &job); err != nil {
			return bad("tasks: outbox %s: payload: %w", m.Key, err)
		}
		bot, ok := d.cfg.Bots[job.Bot]
		if !ok {
			return bad("tasks: outbox %s: bot %q is not configured", m.Key, job.Bot)
		}
		var err error
		if task, err = NewBotRun(bot, BotRunPayload{Bot: job.Bot, RunID: job.RunID, Slot: job.Slot}); err != nil {
			return bad("tasks: outbox %s: %w", m.Key, err)
		}
	default:
		return bad("tasks: outbox %s: unknown kind %q", m.Key, m.Kind)
	}
	if _, err := d.cfg.Client.EnqueueContext(ctx, task); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("tasks: outbox %s: enqueue: %w", m.Key, err)
	}
	return nil
}
