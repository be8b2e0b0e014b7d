package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"go.uber.org/zap"
)

// Routing applies routing rules after a bot observed an item and after a
// run failed for good: matching rules open human tasks in team queues
// (with SLA clocks), QA samples move the item into review, and failed runs
// become automation tasks. Applying it twice is harmless: an open task for
// the same item and rule is reused, and a resolved one is not reopened
// until the item's data changes.
type Routing struct {
	router orchestrator.Router
	tasks  *orchestrator.TaskService
	items  *orchestrator.ItemService
	log    *zap.Logger
	now    func() time.Time
}

// RoutingConfig wires a Routing.
type RoutingConfig struct {
	Router orchestrator.Router       // required (rules.Router)
	Tasks  *orchestrator.TaskService // required
	Items  *orchestrator.ItemService // required
	Logger *zap.Logger               // default: no logs
	Now    func() time.Time          // default time.Now
}

// NewRouting checks cfg.
func NewRouting(cfg RoutingConfig) (*Routing, error) {
	if cfg.Router == nil || cfg.Tasks == nil || cfg.Items == nil {
		return nil, errors.New("tasks: routing needs a router, a task service and an item service")
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Routing{router: cfg.Router, tasks: cfg.Tasks, items: cfg.Items, log: cfg.Logger, now: cfg.Now}, nil
}

// Observed routes one upserted item. A rule that fails at run time is
// logged and skipped; a store error is returned so the attempt is retried
// (the retry re-reads the portal and routes again, idempotently).
func (r *Routing) Observed(ctx context.Context, run orchestrator.Run, obs orchestrator.Observation, res orchestrator.UpsertResult) error {
	in := orchestrator.RouteInput{Item: res.Item, Outcome: res.Outcome, Problems: obs.Problems, RunID: run.ID, Bot: run.Bot}
	decisions, err := r.router.Route(ctx, in, r.now())
	if err != nil {
		r.log.Warn("routing rule failed", zap.String("run_id", run.ID), zap.Int64("item_id", res.Item.ID), zap.Error(err))
	}
	actor := orchestrator.RunActor(run.ID)
	for _, d := range decisions {
		task, created, err := r.tasks.Open(ctx, res.Item, d, actor)
		if err != nil {
			return fmt.Errorf("tasks: run %s: route item %d by %s: %w", run.ID, res.Item.ID, d.Rule, err)
		}
		if created && d.Rule == orchestrator.ReasonQASample {
			if err := r.toReview(ctx, res.Item, task, actor); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Routing) toReview(ctx context.Context, it orchestrator.WorkItem, task orchestrator.HumanTask, actor string) error {
	cur, err := r.items.SetReview(ctx, it.ID, 0, actor, orchestrator.ReviewInReview, fmt.Sprintf("audit sample (task %d)", task.ID))
	if errors.Is(err, orchestrator.ErrInvalid) {
		return nil // already in review
	}
	if err != nil {
		return fmt.Errorf("tasks: sample item %d: %w", cur.ID, err)
	}
	return nil
}

// RunFailed routes a run that failed for good (no retries left).
func (r *Routing) RunFailed(ctx context.Context, run orchestrator.Run, bot orchestrator.Bot) error {
	decisions, err := r.router.RouteFailure(ctx, orchestrator.RunFailure{Run: run, Bot: bot}, r.now())
	if err != nil {
		r.log.Warn("routing rule failed", zap.String("run_id", run.ID), zap.Error(err))
	}
	for _, d := range decisions {
		if _, _, err := r.tasks.OpenForRun(ctx, orchestrator.RunFailure{Run: run, Bot: bot}, d); err != nil {
			return fmt.Errorf("tasks: route failed run %s by %s: %w", run.ID, d.Rule, err)
		}
	}
	return nil
}
