package tasks

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/robfig/cron/v3"
	"go.uber.org/zap"
)

// SchedulerConfig sets up the periodic scheduler.
type SchedulerConfig struct {
	Bots     []orchestrator.Bot
	Enqueuer *Enqueuer
	Metrics  *monitoring.Metrics
	Logger   *zap.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Tick is how often due slots are checked. Default 1 s.
	Tick time.Duration
	// Grace is how far back a starting scheduler looks for a slot it may
	// have missed while down. Default 1 minute.
	Grace time.Duration
	// Paused returns the bots a supervisor paused (by name, with when).
	// A paused bot's slots pass without a run and are counted as
	// "paused". Nil means nothing is ever paused.
	Paused func(ctx context.Context) (map[string]time.Time, error)
}

// Scheduler fires each bot's cron slots. Every slot gets a deterministic
// run id and asynq task id, so a second scheduler or a repeated tick never
// runs one slot twice.
type Scheduler struct {
	cfg    SchedulerConfig
	mu     sync.Mutex // guards plans; Fire may be called from tests too
	plans  []plan
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

type plan struct {
	bot   orchestrator.Bot
	sched cron.Schedule
	last  time.Time // slots at or before last have been handled
}

// ParseSchedule reads a five-field cron expression in the bot's time zone.
func ParseSchedule(b orchestrator.Bot) (cron.Schedule, error) {
	spec := b.Schedule
	if b.Timezone != "" {
		spec = "CRON_TZ=" + b.Timezone + " " + spec
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("tasks: bot %s: schedule %q: %w", b.Name, b.Schedule, err)
	}
	return s, nil
}

// NewScheduler parses every enabled bot's schedule.
func NewScheduler(cfg SchedulerConfig) (*Scheduler, error) {
	if cfg.Enqueuer == nil || cfg.Metrics == nil {
		return nil, errors.New("tasks: scheduler needs an enqueuer and metrics")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Second
	}
	if cfg.Grace <= 0 {
		cfg.Grace = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	s := &Scheduler{cfg: cfg}
	start := cfg.Now().Add(-cfg.Grace)
	for _, b := range cfg.Bots {
		if !b.Enabled || b.Schedule == "" {
			continue
		}
		sched, err := ParseSchedule(b)
		if err != nil {
			return nil, err
		}
		s.plans = append(s.plans, plan{bot: b, sched: sched, last: start})
	}
	return s, nil
}

// Start runs the scheduler until Stop or ctx ends.
func (s *Scheduler) Start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.cfg.Tick)
		defer t.Stop()
		for {
			s.Fire(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return nil
}

// Stop ends the loop and waits for it. It is safe to call twice.
func (s *Scheduler) Stop() {
	s.once.Do(func() {
		if s.cancel != nil {
			s.cancel()
			<-s.done
		}
	})
}

// Fire enqueues every slot that has come due since the last call. When
// several slots of one bot passed (the scheduler was down), only the latest
// runs and the others are counted as missed.
func (s *Scheduler) Fire(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	paused, err := s.paused(ctx)
	if err != nil {
		// Without knowing what is paused, firing could run a paused bot;
		// the slots stay due and are tried on the next tick.
		s.cfg.Logger.Warn("paused bots unknown; slots wait", zap.Error(err))
		return
	}
	for i := range s.plans {
		p := &s.plans[i]
		var due time.Time
		missed := 0
		for next := p.sched.Next(p.last); !next.After(now); next = p.sched.Next(next) {
			if !due.IsZero() {
				missed++
			}
			due = next
		}
		if due.IsZero() {
			continue
		}
		if missed > 0 {
			s.cfg.Metrics.ScheduledSlots.WithLabelValues(p.bot.Name, "missed").Add(float64(missed))
		}
		if _, ok := paused[p.bot.Name]; ok {
			s.cfg.Metrics.ScheduledSlots.WithLabelValues(p.bot.Name, "paused").Inc()
			p.last = due
			continue
		}
		if s.enqueue(ctx, p.bot, due) {
			p.last = due
		}
	}
}

func (s *Scheduler) paused(ctx context.Context) (map[string]time.Time, error) {
	if s.cfg.Paused == nil {
		return nil, nil
	}
	return s.cfg.Paused(ctx)
}

// enqueue reports whether the slot is handled (enqueued now or before).
func (s *Scheduler) enqueue(ctx context.Context, b orchestrator.Bot, slot time.Time) bool {
	runID := RunID(b.Name, slot)
	_, err := s.cfg.Enqueuer.Enqueue(ctx, b, runID, slot.UTC().Format(time.RFC3339))
	switch {
	case err == nil:
		s.cfg.Metrics.ScheduledSlots.WithLabelValues(b.Name, "enqueued").Inc()
		s.cfg.Logger.Info("schedule slot enqueued", zap.String("bot", b.Name), zap.String("run_id", runID))
		return true
	case errors.Is(err, ErrDuplicateRun):
		s.cfg.Metrics.ScheduledSlots.WithLabelValues(b.Name, "duplicate").Inc()
		return true
	default:
		// Left unhandled, the slot is tried again on the next tick.
		s.cfg.Metrics.ScheduledSlots.WithLabelValues(b.Name, "error").Inc()
		s.cfg.Logger.Warn("schedule slot not enqueued", zap.String("bot", b.Name), zap.Error(err))
		return false
	}
}
