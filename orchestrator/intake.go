package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Intake applies what bots observe. Each observation is upserted into the
// work queue (idempotent by portal and external id, with a history entry
// when it changed) and routed: matching rules open human tasks in team
// queues (with SLA clocks), QA samples move the item into review, and a
// rule that fails at run time opens a task for the automation team. A run
// that failed for good is routed by the run-failure rules. Applying the
// same observation twice is harmless: an open task for the same item and
// rule is reused, and a resolved one is not reopened until the item's data
// changes.
type Intake struct {
	store  Store
	router Router // nil routes nothing
	tasks  *TaskService
	items  *ItemService
	now    func() time.Time
}

// IntakeConfig wires an Intake.
type IntakeConfig struct {
	Store Store // required
	// Router decides who looks at an item (rules.Router); nil upserts
	// observations and routes nothing.
	Router Router
	Tasks  *TaskService // required with a Router
	Items  *ItemService // required with a Router
	Now    func() time.Time
}

// NewIntake checks cfg.
func NewIntake(cfg IntakeConfig) (*Intake, error) {
	if cfg.Store == nil {
		return nil, errors.New("orchestrator: intake needs a store")
	}
	if cfg.Router != nil && (cfg.Tasks == nil || cfg.Items == nil) {
		return nil, errors.New("orchestrator: intake with a router needs a task service and an item service")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Intake{store: cfg.Store, router: cfg.Router, tasks: cfg.Tasks, items: cfg.Items, now: cfg.Now}, nil
}

// Observe upserts what run's bot read and routes the item; a record whose
// external id fails CheckExternalID is quarantined instead (see
// quarantine). The result's Outcome is empty when nothing was stored. A store error is returned (the caller's retry re-reads the portal and applies it
// again, idempotently); a rule that fails at run time is not an error of
// the observation: it opens an automation task (see RuleFailed).
func (in *Intake) Observe(ctx context.Context, run Run, obs Observation) (UpsertResult, error) {
	if err := CheckExternalID(obs.ExternalID); err != nil && obs.ExternalID != "" {
		return in.quarantine(ctx, run, obs, err)
	}
	u, err := NewItemUpsert(run.ID, in.now(), obs)
	if err != nil {
		return UpsertResult{}, fmt.Errorf("orchestrator: intake: %w", err)
	}
	res, err := in.store.UpsertItem(ctx, u)
	if err != nil {
		return UpsertResult{}, fmt.Errorf("orchestrator: intake: upsert: %w", err)
	}
	if in.router == nil {
		return res, nil
	}
	return res, in.route(ctx, run, obs, res)
}

func (in *Intake) route(ctx context.Context, run Run, obs Observation, res UpsertResult) error {
	input := RouteInput{Item: res.Item, Outcome: res.Outcome, Problems: obs.Problems, RunID: run.ID, Bot: run.Bot}
	decisions, ruleErr := in.router.Route(ctx, input, in.now())
	actor := RunActor(run.ID)
	for _, d := range decisions {
		task, created, err := in.tasks.Open(ctx, res.Item, d, actor)
		if err != nil {
			return fmt.Errorf("orchestrator: intake: route item %d by %s: %w", res.Item.ID, d.Rule, err)
		}
		if created && d.Rule == ReasonQASample {
			if err := in.toReview(ctx, res.Item, task, actor); err != nil {
				return err
			}
		}
	}
	return in.rulesFailed(ctx, run, &res.Item, ruleErr)
}

func (in *Intake) toReview(ctx context.Context, it WorkItem, task HumanTask, actor string) error {
	_, err := in.items.SetReview(ctx, it.ID, 0, actor, ReviewInReview, fmt.Sprintf("audit sample (task %d)", task.ID))
	if errors.Is(err, ErrInvalid) {
		return nil // already in review
	}
	if err != nil {
		return fmt.Errorf("orchestrator: intake: sample item %d: %w", it.ID, err)
	}
	return nil
}

// RunFailed routes a run that failed for good (no retries left) by the
// run-failure rules.
func (in *Intake) RunFailed(ctx context.Context, run Run, bot Bot) error {
	if in.router == nil {
		return nil
	}
	f := RunFailure{Run: run, Bot: bot}
	decisions, ruleErr := in.router.RouteFailure(ctx, f, in.now())
	for _, d := range decisions {
		if _, _, err := in.tasks.OpenForRun(ctx, f, d); err != nil {
			return fmt.Errorf("orchestrator: intake: route failed run %s by %s: %w", run.ID, d.Rule, err)
		}
	}
	return in.rulesFailed(ctx, run, nil, ruleErr)
}
