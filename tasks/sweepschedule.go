package tasks

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"go.uber.org/zap"
)

// SweepScheduler enqueues an sla:sweep for every slot of its period (the
// period's start, UTC). The task id is per slot, so two schedulers enqueue
// each slot once; a slot missed while no scheduler ran is simply covered by
// the next sweep, which does the same work.
type SweepScheduler struct {
	client *asynq.Client
	every  time.Duration
	now    func() time.Time
	log    *zap.Logger

	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

// NewSweepScheduler enqueues on client every period (default
// SweepEveryDefault); now nil means time.Now, logger nil no logs.
func NewSweepScheduler(client *asynq.Client, every time.Duration, now func() time.Time, logger *zap.Logger) (*SweepScheduler, error) {
	if client == nil {
		return nil, errors.New("tasks: sweep scheduler needs an asynq client")
	}
	if every <= 0 {
		every = SweepEveryDefault
	}
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	return &SweepScheduler{client: client, every: every, now: now, log: logger}, nil
}

// Start enqueues the current slot and then one per period until Stop or
// ctx ends.
func (s *SweepScheduler) Start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.every)
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

// Fire enqueues the current slot's sweep unless it is enqueued already.
func (s *SweepScheduler) Fire(ctx context.Context) {
	slot := s.now().UTC().Truncate(s.every)
	task, err := NewSLASweep(slot)
	if err == nil {
		_, err = s.client.EnqueueContext(ctx, task)
	}
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && ctx.Err() == nil {
		s.log.Warn("SLA sweep not enqueued", zap.Time("slot", slot), zap.Error(err))
	}
}

// Stop ends the loop and waits for it; calling it again does nothing.
func (s *SweepScheduler) Stop() {
	s.once.Do(func() {
		if s.cancel != nil {
			s.cancel()
			<-s.done
		}
	})
}
