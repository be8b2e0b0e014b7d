package main

import (
	"context"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
)

// workflow builds the human side shared by serve, worker and demo: item
// and task services, routing rules (rules_file, or the default queues) and
// the SLA sweeper.
func (a *app) workflow(st orchestrator.Store, client *asynq.Client) (*tasks.Workflow, orchestrator.WriteBacker, error) {
	var router *rules.Router
	if a.cfg.RulesFile != "" {
		r, err := rules.LoadFile(a.cfg.RulesFile)
		if err != nil {
			return nil, nil, &ConfigError{Msg: "rules_file: " + err.Error()}
		}
		router = r
	}
	wb, err := a.writeBacker(st, client)
	if err != nil {
		return nil, nil, err
	}
	wf, err := tasks.NewWorkflow(tasks.WorkflowConfig{Store: st, Router: router, WriteBack: wb, Logger: a.log.Named("workflow")})
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

// writeBackRequest turns a resolved task into the write-back bot's portal
// action (tasks.WriteBackNote: a note on the coding-hold account).
func writeBackRequest(st orchestrator.Store) func(context.Context, orchestrator.WriteBackRequest) context.Context {
	return tasks.WriteBackNote(st)
}
