package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
	"go.uber.org/zap"
)

// SessionSource hands out isolated browser sessions (bots.Pool does).
type SessionSource interface {
	Session(ctx context.Context, t bots.Target) (*bots.Session, error)
}

// RunnerConfig wires a Runner.
type RunnerConfig struct {
	Store    orchestrator.Store
	Evidence orchestrator.EvidenceStore
	Sessions SessionSource
	Metrics  *monitoring.Metrics
	Logger   *zap.Logger
	// Bots are the configured bots by name.
	Bots map[string]orchestrator.Bot
	// Impls are the bot implementations by kind.
	Impls map[string]bots.Bot
	// Targets are the portals (with credentials) by portal key.
	Targets map[string]bots.Target
	// EvidencePolicy is each bot's evidence policy by bot name
	// (orchestrator.EvidenceAll when absent).
	EvidencePolicy map[string]string
	// Worker names this process in run records (host:pid).
	Worker string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// FailureReason maps a failed attempt's error to a bounded metric
	// label (a monitoring.Reason* constant); nil means failureReason,
	// which knows the errors of bots and tasks. Bot kinds add theirs.
	FailureReason func(err error) string
	// Intake applies observations (upsert, history, routing) and routes
	// failed runs; nil upserts observations and routes nothing.
	Intake *orchestrator.Intake
}

// Runner handles bot:run tasks.
type Runner struct{ cfg RunnerConfig }

// NewRunner validates cfg: every enabled bot needs an implementation and a
// target.
func NewRunner(cfg RunnerConfig) (*Runner, error) {
	if cfg.Store == nil || cfg.Evidence == nil || cfg.Sessions == nil || cfg.Metrics == nil {
		return nil, errors.New("tasks: runner needs a store, an evidence store, a session source and metrics")
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.FailureReason == nil {
		cfg.FailureReason = failureReason
	}
	if cfg.Intake == nil {
		in, err := orchestrator.NewIntake(orchestrator.IntakeConfig{Store: cfg.Store, Now: cfg.Now})
		if err != nil {
			return nil, fmt.Errorf("tasks: runner: %w", err)
		}
		cfg.Intake = in
	}
	for name, b := range cfg.Bots {
		if _, ok := cfg.Impls[b.Kind]; !ok {
			return nil, fmt.Errorf("tasks: bot %s: no implementation of kind %q", name, b.Kind)
		}
		if _, ok := cfg.Targets[b.Portal]; !ok {
			return nil, fmt.Errorf("tasks: bot %s: portal %q is not configured", name, b.Portal)
		}
	}
	return &Runner{cfg: cfg}, nil
}

// Register adds the runner's handlers to mux.
func (r *Runner) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeBotRun, r.HandleBotRun)
}

// HandleBotRun runs one attempt of a bot run. A run that has already ended
// (a duplicate delivery) is acknowledged without running again.
func (r *Runner) HandleBotRun(ctx context.Context, t *asynq.Task) error {
	p, err := parseBotRun(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return r.handle(ctx, p, nil)
}

// actFunc is what one attempt does with its session: a job's own action
// (a write-back's request) instead of the bot's Run.
type actFunc func(ctx context.Context, s *bots.Session, rec bots.Recorder) error

// handle runs one attempt of run p; act nil runs the bot's Run.
func (r *Runner) handle(ctx context.Context, p BotRunPayload, act actFunc) error {
	log := r.cfg.Logger.With(zap.String("bot", p.Bot), zap.String("run_id", p.RunID))
	bot, ok := r.cfg.Bots[p.Bot]
	if !ok {
		r.finish(ctx, log, orchestrator.Run{ID: p.RunID, Bot: p.Bot}, orchestrator.RunFailed, "bot is not configured on this worker")
		return fmt.Errorf("tasks: bot %q is not configured: %w", p.Bot, asynq.SkipRetry)
	}
	run, err := r.cfg.Store.Run(ctx, p.RunID)
	if errors.Is(err, orchestrator.ErrNotFound) {
		// Enqueued by something that did not record it; record it now.
		run, _, err = r.cfg.Store.CreateRun(ctx, orchestrator.Run{
			ID: p.RunID, Bot: p.Bot, Slot: p.Slot, Status: orchestrator.RunQueued, QueuedAt: r.cfg.Now().UTC(),
		})
	}
	if err != nil {
		return fmt.Errorf("tasks: load run %s: %w", p.RunID, err)
	}
	if run.Status.Done() {
		log.Info("run already ended; acknowledging duplicate delivery", zap.String("status", string(run.Status)))
		return nil
	}
	start := r.cfg.Now()
	run, err = r.cfg.Store.StartAttempt(ctx, run.ID, r.cfg.Worker, start.UTC())
	if errors.Is(err, orchestrator.ErrConflict) {
		log.Info("run ended meanwhile; acknowledging duplicate delivery")
		return nil
	}
	if err != nil {
		return fmt.Errorf("tasks: start run %s: %w", p.RunID, err)
	}
	log.Info("run attempt started", zap.Int("attempt", run.Attempts))
	if run.Attempts == 1 {
		r.cfg.Metrics.RunStarted(bot.Name, run.ID)
	}

	rec := newRecorder(run, r.cfg.Store, r.cfg.Intake, r.cfg.Evidence, r.cfg.EvidencePolicy[bot.Name], r.cfg.Metrics, r.cfg.Now)
	rec.start(ctx)
	runErr := r.attempt(ctx, bot, rec, act)
	// Final writes must land even when the attempt's deadline has passed.
	final := context.WithoutCancel(ctx)
	// What the bot read before it ended is stored whatever the end; a run
	// whose records could not all be stored does not succeed.
	if err := rec.drain(final); err != nil {
		if runErr == nil {
			runErr = err
		} else if !errors.Is(runErr, err) {
			runErr = fmt.Errorf("%w (and %w)", runErr, err)
		}
	}
	if err := persist(final, rec.reportProgress); err != nil {
		log.Error("final progress not saved", zap.Error(err))
	}
	elapsed := r.cfg.Now().Sub(start)
	p2 := rec.snapshot()

	if runErr == nil {
		r.finish(final, log, run, orchestrator.RunSucceeded, "")
		r.cfg.Metrics.AttemptEnded(monitoring.Attempt{Bot: bot.Name, RunID: run.ID,
			Outcome: monitoring.OutcomeSucceeded, Duration: elapsed, At: r.cfg.Now()})
		log.Info("run succeeded", zap.Int("pages", p2.Pages), zap.Int("records", p2.Records),
			zap.Int("created", p2.Created), zap.Int("updated", p2.Updated), zap.Duration("took", elapsed))
		return nil
	}
	status, outcome := orchestrator.RunRetrying, monitoring.OutcomeRetrying
	if lastAttempt(ctx) || errors.Is(runErr, asynq.SkipRetry) || permanent(runErr) {
		status, outcome = orchestrator.RunFailed, monitoring.OutcomeFailed
		if !errors.Is(runErr, asynq.SkipRetry) {
			runErr = fmt.Errorf("%w: %w", runErr, asynq.SkipRetry)
		}
	}
	r.finish(final, log, run, status, runErr.Error())
	r.cfg.Metrics.AttemptEnded(monitoring.Attempt{Bot: bot.Name, RunID: run.ID, Outcome: outcome,
		Reason: r.cfg.FailureReason(runErr), Duration: elapsed, At: r.cfg.Now()})
	log.Warn("run attempt failed", zap.String("status", string(status)), zap.Error(runErr))
	return runErr
}

func (r *Runner) attempt(ctx context.Context, bot orchestrator.Bot, rec *recorder, act actFunc) error {
	if act == nil {
		act = r.cfg.Impls[bot.Kind].Run
	}
	began := r.cfg.Now()
	sess, err := r.cfg.Sessions.Session(ctx, r.cfg.Targets[bot.Portal])
	if err != nil {
		return fmt.Errorf("%w: %w", errBrowserSession, err)
	}
	// A run that ended well leaves its portal session signed in for the
	// next run of the same target; any other end discards it.
	ok := false
	defer func() {
		if ok {
			_ = sess.Keep()
		} else {
			_ = sess.Close()
		}
	}()
	r.cfg.Metrics.StepDone(bot.Name, monitoring.StepSession, rec.run.ID, r.cfg.Now().Sub(began))
	rec.startPageClock()
	err = act(ctx, sess, rec)
	ok = err == nil
	return err
}

// finish records the attempt's end in the run row and the audit log.
func (r *Runner) finish(ctx context.Context, log *zap.Logger, run orchestrator.Run, status orchestrator.RunStatus, msg string) {
	now := r.cfg.Now().UTC()
	if err := persist(ctx, func(ctx context.Context) error {
		return r.cfg.Store.FinishAttempt(ctx, run.ID, status, msg, now)
	}); err != nil && !errors.Is(err, orchestrator.ErrNotFound) {
		log.Error("run end not saved", zap.Error(err))
	}
	if err := persist(ctx, func(ctx context.Context) error {
		_, err := r.cfg.Store.AppendAudit(ctx, orchestrator.AuditEntry{
			At: now, Actor: orchestrator.RunActor(run.ID), Action: "run." + string(status), Subject: "bot:" + run.Bot,
			Detail: fmt.Sprintf("attempt %d on %s", run.Attempts, r.cfg.Worker),
		})
		return err
	}); err != nil {
		log.Error("audit entry not saved", zap.Error(err))
	}
	if status == orchestrator.RunFailed {
		run.Status, run.Error = status, msg
		// Opening the task is idempotent: one open task per rule and bot.
		if err := persist(ctx, func(ctx context.Context) error {
			return r.cfg.Intake.RunFailed(ctx, run, r.cfg.Bots[run.Bot])
		}); err != nil {
			log.Error("failed run not routed", zap.Error(err))
		}
	}
}

// finalWriteWindow is how long an attempt's closing writes (progress,
// status, audit entry, failure routing) are retried while the store fails.
// A database restart or failover takes seconds; without the retries the
// attempt that a restart broke would leave its run "running" until the
// next attempt, and after the last attempt for good, with no audit entry
// and no task for the automation team.
const finalWriteWindow = 30 * time.Second

// persist runs write until it succeeds, fails in a way no retry changes
// (not found, conflict, invalid) or finalWriteWindow has passed.
func persist(ctx context.Context, write func(context.Context) error) error {
	deadline := time.Now().Add(finalWriteWindow)
	wait := 100 * time.Millisecond
	for {
		err := write(ctx)
		if err == nil || errors.Is(err, orchestrator.ErrNotFound) || errors.Is(err, orchestrator.ErrConflict) ||
			errors.Is(err, orchestrator.ErrInvalid) || time.Now().Add(wait).After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// lastAttempt reports whether asynq will not retry this task again.
func lastAttempt(ctx context.Context) bool {
	retried, ok1 := asynq.GetRetryCount(ctx)
	max, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && retried >= max
}
