package orchestrator

import (
	"strconv"
	"time"
)

// History and audit actions of work item lifecycle changes. Audit entries
// use them prefixed with "item." (e.g. "item.started").
const (
	ActionStarted   = "started"
	ActionReleased  = "released"
	ActionSucceeded = "succeeded"
	ActionFailed    = "failed"
	ActionAbandoned = "abandoned"
	ActionExpired   = "expired" // abandoned by the deadline sweep
	ActionRetried   = "retried"
	ActionReviewed  = "reviewed"
	ActionEdited    = "edited" // priority, deferral, deadline, reference
	ActionRouted    = "routed" // moved by a routing rule
)

// ItemUpdate is one lifecycle change of a work item, computed by
// ItemService and written by Store.UpdateItem.
type ItemUpdate struct {
	ItemID int64
	// Version is the item's version the change was computed from; the
	// store refuses the write with ErrConflict when the item moved on.
	Version int64
	State   ItemState // the lifecycle fields after the change
	Actor   string    // "run:<id>", "user:<name>" or ActorSystem
	Action  string    // one of the Action constants
	Reason  string    // why, in words; required for automatic changes
	At      time.Time
}

// AuditSubjectItem is the audit subject of a work item.
func AuditSubjectItem(id int64) string { return "item:" + strconv.FormatInt(id, 10) }

// AuditSubjectTask is the audit subject of a human task: under its item
// ("item:42/task:7") so an item's audit trail finds its tasks' entries.
func AuditSubjectTask(itemID, taskID int64) string {
	if itemID == 0 {
		return "task:" + strconv.FormatInt(taskID, 10)
	}
	return AuditSubjectItem(itemID) + "/task:" + strconv.FormatInt(taskID, 10)
}
