package orchestrator

import (
	"context"
	"strconv"
)

// WriteBackRequest asks for a write-back run: a bot goes back to the
// portal, re-checks the item's state, acts once and captures before and
// after evidence. It carries ids only.
type WriteBackRequest struct {
	RunID   string // deterministic: WriteBackRunID(task)
	TaskID  int64
	ItemID  int64
	Queue   string
	Outcome string
	Actor   string // who resolved the task
}

// WriteBackRunID is the run id of a task's write-back, so resolving twice
// (a retried request) never acts twice.
func WriteBackRunID(taskID int64) string {
	return "writeback@task-" + strconv.FormatInt(taskID, 10)
}

// WriteBacker enqueues write-back runs (tasks implements it on asynq).
type WriteBacker interface {
	// EnqueueWriteBack records and enqueues the run; enqueueing the same
	// RunID twice is not an error.
	EnqueueWriteBack(ctx context.Context, req WriteBackRequest) error
}
