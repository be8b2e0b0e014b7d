package orchestrator

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// WriteBackRequest asks for a write-back run: a bot goes back to the
// portal, re-checks the item's state, acts once and captures before and
// after evidence. It carries ids only; it is the payload of a JobWriteBack
// outbox message.
type WriteBackRequest struct {
	RunID   string `json:"run_id"` // deterministic: WriteBackRunID(task), or a retry's
	TaskID  int64  `json:"task_id"`
	ItemID  int64  `json:"item_id"`
	Queue   string `json:"queue"`
	Outcome string `json:"outcome"`
	Actor   string `json:"actor"` // who resolved the task
}

// WriteBackRunID is the run id of a task's write-back, so resolving twice
// (a retried request) never acts twice.
func WriteBackRunID(taskID int64) string {
	return "writeback@task-" + strconv.FormatInt(taskID, 10)
}

// writeBackRetryRunID is the run id of a retry of a task's write-back
// asked for when the task was at version: a retried request asks for the
// same run, a later retry for a new one.
func writeBackRetryRunID(taskID, version int64) string {
	return WriteBackRunID(taskID) + "-retry-v" + strconv.FormatInt(version, 10)
}

// ReasonActionFailed is the reason of the automation task opened when a
// task's write-back failed for good.
const ReasonActionFailed = "action_failed"

// WriteBacker says which items the configured write-back can act on
// (tasks implements it for the write-back bot). Resolutions that write back
// are refused, and not offered, for the others.
type WriteBacker interface {
	// CanWriteBack is nil when a write-back exists for the item's portal
	// and kind, and otherwise says why not, in words a person understands.
	CanWriteBack(item WorkItem) error
}

// writeBackMessage is the outbox message that runs req.
func writeBackMessage(req WriteBackRequest) (OutboxMessage, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return OutboxMessage{}, fmt.Errorf("orchestrator: write-back %s: %w", req.RunID, err)
	}
	return OutboxMessage{Key: JobWriteBack + ":" + req.RunID, Kind: JobWriteBack, Payload: b}, nil
}
