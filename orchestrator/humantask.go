package orchestrator

import (
	"fmt"
	"strings"
	"time"
)

// TaskStatus is where a human task is.
//
//	Unassigned ──claim/assign──▶ Assigned ──resolve──▶ Completed
//	     ▲  ◀────────release─────────┘  │
//	     └──────────┐                   ▼ (SLA ladder or by hand)
//	                └─────────────── Escalated ──claim/assign──▶ Assigned
type TaskStatus string

// Human task statuses.
const (
	TaskUnassigned TaskStatus = "unassigned"
	TaskAssigned   TaskStatus = "assigned"
	TaskCompleted  TaskStatus = "completed"
	TaskEscalated  TaskStatus = "escalated"
)

// Open reports whether the task still needs someone.
func (s TaskStatus) Open() bool { return s != TaskCompleted }

// Reasons of tasks Docket opens by itself (rules use their own names).
const (
	ReasonBotFailure    = "bot_failure"    // a run failed; ItemID 0, one open task per bot
	ReasonFieldProblems = "field_problems" // the bot could not read or validate fields
	ReasonQASample      = "qa_sample"      // chosen for audit sampling
)

// HumanTask asks a person in a team queue to decide about a work item.
type HumanTask struct {
	ID        int64
	ItemID    int64 // 0 when the task is about no item (a bot failure)
	Queue     string
	Reason    string // why it needs a person: a rule name, ReasonBotFailure, …
	Status    TaskStatus
	Assignee  string // user name, "" when unassigned
	Outcome   string // the resolution outcome, set when completed
	CreatedAt time.Time
	DueAt     time.Time // SLA deadline; zero when the queue has no SLA
	UpdatedAt time.Time
	Version   int64 // increments on every change, for optimistic concurrency

	Priority    Priority
	ItemRef     string    // the item's Ref() at creation, for lists and search
	ItemKey     string    // the item's external id (the bot's name for a failed run), for search
	Detail      string    // what the rule saw, in words (never PHI)
	ClockStart  time.Time // when the SLA clock started (e.g. the query's sent date)
	AtRiskAt    time.Time // when the SLA clock turns at risk
	SLAState    SLAState
	Escalation  int       // escalation level reached, 0 = none
	EscalatedTo string    // role of the current escalation step
	EscalateAt  time.Time // when the next escalation step is due; zero = none
	// ItemDataHash is the item's data hash when the task opened: the same
	// rule does not reopen a resolved task until the item's data changes.
	ItemDataHash string
	AssignedAt   time.Time
	AssignedBy   string // actor who assigned it ("user:alice" for a self-claim)
	CompletedAt  time.Time
	CompletedBy  string
	Resolution   string // the resolver's note
	// WriteBackRunID is the run a resolution enqueued to act on the portal;
	// its result and evidence are the run's.
	WriteBackRunID string
	// ActionError says, in words for people, why the write-back failed for
	// good ("" while it has not): the task shows it and offers a retry.
	ActionError string
	// Payer is the item's payer (ItemPayer of its data), kept in step with
	// the item's data by the store so the inbox filters on it in SQL.
	Payer string
	// UpdatedBy is the actor of the last change ("" until the first).
	UpdatedBy string
}

// TaskFilter narrows a list of human tasks. Zero fields match everything.
// Every value is passed to the database as a parameter: quotes, %, _ and
// unicode are matched literally.
type TaskFilter struct {
	Queue    string
	Status   TaskStatus
	ItemID   int64
	Assignee string
	Priority Priority
	SLAState SLAState
	// SLAAt, when set, makes SLAState match open tasks by their state as
	// of that time (SLAStateAt of AtRiskAt and DueAt) rather than the state
	// the last sweep stored; completed tasks keep their stored state.
	SLAAt time.Time
	// Reason keeps tasks opened for this reason (exact).
	Reason string
	// Payer keeps tasks whose item's payer contains it, ignoring case as
	// strings.ToLower does (Unicode); every character is literal.
	Payer string
	// CreatedUntil keeps tasks created at or before it (the inbox's age
	// filter: at least N days old).
	CreatedUntil time.Time
	// Open keeps tasks that are not completed (ignored when Status is set).
	Open bool
	// Search keeps tasks whose item reference (ItemRef) or external id
	// (ItemKey) starts with it: case-sensitive, in byte order, served by an
	// index so it stays fast on 100,000 open tasks.
	Search string
	// DueBefore keeps tasks due before it.
	DueBefore time.Time
	// Sort orders the list. Default TaskSortOldest.
	Sort TaskSort
	// AfterID continues a TaskSortOldest listing after this task (keyset
	// pagination).
	AfterID int64
	Limit   int // default 100
	Offset  int
}

// TaskSort orders task lists.
type TaskSort string

// Task orders.
const (
	TaskSortOldest   TaskSort = ""         // by ID, oldest first
	TaskSortPriority TaskSort = "priority" // highest priority, then earliest due, then ID
	TaskSortDue      TaskSort = "due"      // earliest due first (no deadline last), then ID
	TaskSortNewest   TaskSort = "newest"   // by ID, newest first
)

// TaskUpdate is one change of a human task, computed by TaskService and
// written by Store.UpdateTask with an audit entry in the same transaction.
type TaskUpdate struct {
	// Task is the task as it should be after the change; Task.Version is
	// the version it was read at, and the write fails with ErrConflict if
	// the stored task has moved on.
	Task   HumanTask
	Actor  string // "user:<name>", "run:<id>" or ActorSystem
	Action string // audit action, e.g. "task.claimed"
	Detail string // audit detail: why (never PHI)
	// History is the reason of the entry the change appends to the item's
	// history (action Action, actor Actor); "" appends none. People's steps
	// have one; the SLA clock's moves and automatic assignment are task
	// bookkeeping and stay in the audit log.
	History string
	At      time.Time
	// Items are changes of the task's item written in the same
	// transaction, in order (a resolution ending the item, its review).
	Items []ItemUpdate
	// Outbox are jobs the change asks for (a write-back), written in the
	// same transaction; a message whose key is stored already is kept as
	// it is.
	Outbox []OutboxMessage
}

// TaskComment is a note on a task, kept forever.
type TaskComment struct {
	ID     int64
	TaskID int64
	Author string // user name
	Body   string
	At     time.Time
}

// TaskConflictError is the clear message for a lost race on a task: who
// got there first and when.
type TaskConflictError struct {
	TaskID int64
	Status TaskStatus
	// By is who holds the task now, or who resolved it; "" when nobody
	// holds it (see ChangedBy).
	By string
	// AssignedBy is the actor who gave the task to By, when that was
	// someone else (a supervisor, or the system).
	AssignedBy string
	// ChangedBy is the actor of the last change when nobody holds the task
	// ("" when unknown).
	ChangedBy string
	At        time.Time
	Action    string // what the caller tried, e.g. "claim"
}

func (e *TaskConflictError) Error() string {
	at := e.At.UTC().Format("15:04 MST on 2006-01-02")
	head := fmt.Sprintf("cannot %s task %d: it was", e.Action, e.TaskID)
	switch {
	case e.Status == TaskCompleted && e.By != "":
		return fmt.Sprintf("%s resolved by %s at %s", head, e.By, at)
	case e.Status == TaskCompleted:
		return fmt.Sprintf("%s resolved at %s", head, at)
	case e.By != "" && e.AssignedBy != "" && e.AssignedBy != UserActor(e.By):
		return fmt.Sprintf("%s assigned to %s by %s at %s", head, e.By, actorLabel(e.AssignedBy), at)
	case e.By != "":
		return fmt.Sprintf("%s claimed by %s at %s", head, e.By, at)
	case e.ChangedBy != "":
		return fmt.Sprintf("%s changed by %s at %s (now %s); reload and try again", head, actorLabel(e.ChangedBy), at, e.Status)
	}
	return fmt.Sprintf("cannot %s task %d: it changed at %s (now %s); reload and try again", e.Action, e.TaskID, at, e.Status)
}

// actorLabel names an actor for people: a user by name, anything else
// (the system, a run) as it is.
func actorLabel(actor string) string {
	if strings.HasPrefix(actor, "user:") {
		return ActorName(actor)
	}
	return actor
}

// Is makes a TaskConflictError match ErrConflict.
func (e *TaskConflictError) Is(target error) bool { return target == ErrConflict }
