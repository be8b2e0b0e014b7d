package main

import (
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
)

func newTaskMux(r *tasks.Runner) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	r.Register(mux)
	return mux
}
