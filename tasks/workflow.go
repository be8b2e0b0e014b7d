package tasks

import (
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
	"go.uber.org/zap"
)

// WorkflowConfig wires the human side of Docket from a routing file.
type WorkflowConfig struct {
	Store orchestrator.Store // required
	// Router is the compiled routing file (rules.LoadFile). Nil means
	// Docket's default queues (orchestrator.DefaultQueues) and no rules.
	Router *rules.Router
	// WriteBack says which items the write-back bot acts on (a
	// *WriteBacks); nil makes write-back outcomes fail with a clear error.
	WriteBack orchestrator.WriteBacker
	// OnOutbox wakes the outbox dispatcher after a change commits a job
	// (a Dispatcher's Wake); nil leaves it to the dispatcher's poll.
	OnOutbox func()
	// Lease is how long a started item is held; default
	// orchestrator.LeaseDefault.
	Lease  time.Duration
	Logger *zap.Logger
	Now    func() time.Time
}

// Workflow is what serve, worker and demo share: the item and task
// services, the intake that applies observations and routes them, and the
// SLA sweeper.
type Workflow struct {
	Router  *rules.Router
	Items   *orchestrator.ItemService
	Tasks   *orchestrator.TaskService
	Intake  *orchestrator.Intake
	Sweeper *Sweeper
}

// NewWorkflow builds the services from cfg.
func NewWorkflow(cfg WorkflowConfig) (*Workflow, error) {
	if cfg.Store == nil {
		return nil, errors.New("tasks: workflow needs a store")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	router := cfg.Router
	if router == nil {
		r, err := rules.Compile(rules.File{})
		if err != nil {
			return nil, fmt.Errorf("tasks: default routing: %w", err)
		}
		router = r
	}
	items, err := orchestrator.NewItemService(orchestrator.ItemServiceConfig{Store: cfg.Store, Lease: cfg.Lease, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	ts, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{
		Store: cfg.Store, Queues: router.Queues(), Items: items, WriteBack: cfg.WriteBack, OnOutbox: cfg.OnOutbox, Now: cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	intake, err := orchestrator.NewIntake(orchestrator.IntakeConfig{Store: cfg.Store, Router: router, Tasks: ts, Items: items, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	sweeper, err := NewSweeper(ts, items, cfg.Logger)
	if err != nil {
		return nil, err
	}
	return &Workflow{Router: router, Items: items, Tasks: ts, Intake: intake, Sweeper: sweeper}, nil
}
