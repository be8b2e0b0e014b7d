package main

import (
	_ "embed" // the demo's routing file
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
)

// workflow builds the human side shared by serve, worker and demo: item
// and task services, routing rules (rules_file, or the default queues) and
// the SLA sweeper.
//
// onOutbox, if set, wakes the outbox dispatcher after a resolution commits
// a write-back.
func (a *app) workflow(st orchestrator.Store, onOutbox func()) (*tasks.Workflow, orchestrator.WriteBacker, error) {
	router, err := a.router()
	if err != nil {
		return nil, nil, err
	}
	wb, err := a.writeBacker()
	if err != nil {
		return nil, nil, err
	}
	wf, err := tasks.NewWorkflow(tasks.WorkflowConfig{Store: st, Router: router, WriteBack: wb, OnOutbox: onOutbox,
		Logger: a.log.Named("workflow")})
	if err != nil {
		return nil, nil, err
	}
	return wf, wb, nil
}

// newTaskMux routes every task type a worker handles.
func newTaskMux(r *tasks.Runner, wf *tasks.Workflow, wb *tasks.WriteBackHandler) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	r.Register(mux)
	wf.Sweeper.Register(mux)
	if wb != nil {
		wb.Register(mux)
	}
	return mux
}

// writeBackAction turns a resolved task into the write-back bot's portal
// action (tasks.WriteBackNote: a note on the coding-hold account).
func writeBackAction(st orchestrator.Store) tasks.WriteBackAction {
	return tasks.WriteBackNote(st)
}

// taskReasons are the reason codes the task metrics report as they are:
// Docket's own and the rules file's rule names (a task's reason is the
// rule that opened it).
func (a *app) taskReasons() ([]string, error) {
	reasons := orchestrator.Reasons()
	r, err := a.router()
	if err != nil || r == nil {
		return reasons, err
	}
	return append(reasons, r.RuleNames()...), nil
}

// demoRules is the routing `docket demo` uses without a rules_file: its
// queues' members are the demo users and its rules open tasks in every
// team queue from what the demo portals hold.
//
//go:embed demorules.yaml
var demoRules []byte

// router compiles rules_file; without one, the demo's routing for `docket
// demo` and nil (Docket's default queues, no rules) for everything else.
func (a *app) router() (*rules.Router, error) {
	switch {
	case a.cfg.RulesFile != "":
		r, err := rules.LoadFile(a.cfg.RulesFile)
		if err != nil {
			return nil, &ConfigError{Msg: "rules_file: " + err.Error()}
		}
		return r, nil
	case a.demo:
		r, err := rules.Load(demoRules)
		if err != nil {
			return nil, fmt.Errorf("demo routing: %w", err)
		}
		return r, nil
	}
	return nil, nil
}
