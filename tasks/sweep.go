package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/hibiken/asynq"
	"go.uber.org/zap"
)

// TypeSLASweep is the periodic task that moves SLA clocks (at risk,
// breached, escalation ladders) and abandons work items whose lease ran
// out or whose deadline passed, recording why.
const TypeSLASweep = "sla:sweep"

// SweepEveryDefault is how often the scheduler enqueues an SLA sweep.
const SweepEveryDefault = time.Minute

// sweepBatch bounds one sweep's work; the next sweep continues.
const sweepBatch = 500

// SLASweepPayload names the slot a sweep is for; ids only.
type SLASweepPayload struct {
	Slot string `json:"slot"` // RFC 3339, UTC
}

// NewSLASweep builds the sweep task for slot. Its task id is per slot, so
// two schedulers enqueue it once.
func NewSLASweep(slot time.Time) (*asynq.Task, error) {
	p := SLASweepPayload{Slot: slot.UTC().Format(time.RFC3339)}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: marshal %s payload: %w", TypeSLASweep, err)
	}
	return asynq.NewTask(TypeSLASweep, b,
		asynq.TaskID(TypeSLASweep+":"+p.Slot),
		asynq.Queue(QueueBots),
		asynq.MaxRetry(0), // the next slot's sweep does the same work
		asynq.Timeout(5*time.Minute),
		asynq.Retention(time.Hour),
	), nil
}

// Sweeper handles sla:sweep tasks.
type Sweeper struct {
	tasks *orchestrator.TaskService
	items *orchestrator.ItemService
	log   *zap.Logger
}

// NewSweeper returns a Sweeper; logger nil means no logs.
func NewSweeper(tasks *orchestrator.TaskService, items *orchestrator.ItemService, logger *zap.Logger) (*Sweeper, error) {
	if tasks == nil || items == nil {
		return nil, errors.New("tasks: sweeper needs a task service and an item service")
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Sweeper{tasks: tasks, items: items, log: logger}, nil
}

// Register adds the sweep handler to mux.
func (s *Sweeper) Register(mux *asynq.ServeMux) { mux.HandleFunc(TypeSLASweep, s.HandleSLASweep) }

// HandleSLASweep runs one sweep of task clocks and item leases.
func (s *Sweeper) HandleSLASweep(ctx context.Context, _ *asynq.Task) error {
	_, err := s.Sweep(ctx)
	return err
}

// Sweep runs one sweep now and reports what it changed.
func (s *Sweeper) Sweep(ctx context.Context) (orchestrator.SLAReport, error) {
	rep, err := s.tasks.SweepSLA(ctx, sweepBatch)
	if err != nil {
		return rep, fmt.Errorf("tasks: %s: %w", TypeSLASweep, err)
	}
	items, err := s.items.Sweep(ctx, sweepBatch)
	if err != nil {
		return rep, fmt.Errorf("tasks: %s: %w", TypeSLASweep, err)
	}
	if rep != (orchestrator.SLAReport{}) || items != (orchestrator.SweepReport{}) {
		s.log.Info("SLA sweep", zap.Int("at_risk", rep.AtRisk), zap.Int("breached", rep.Breached),
			zap.Int("reassigned", rep.Reassigned), zap.Int("escalated", rep.Escalated),
			zap.Int("items_abandoned", items.Abandoned), zap.Int("items_expired", items.Expired))
	}
	return rep, nil
}
