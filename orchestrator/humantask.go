package orchestrator

import "time"

// TaskStatus is where a human task is.
type TaskStatus string

// Human task statuses.
const (
	TaskUnassigned TaskStatus = "unassigned"
	TaskAssigned   TaskStatus = "assigned"
	TaskCompleted  TaskStatus = "completed"
	TaskEscalated  TaskStatus = "escalated"
)

// HumanTask asks a person in a team queue to decide about a work item.
type HumanTask struct {
	ID        int64
	ItemID    int64
	Queue     string
	Reason    string // why it needs a person; a rule name or "bot_failure"
	Status    TaskStatus
	Assignee  string
	Outcome   string
	CreatedAt time.Time
	DueAt     time.Time
	UpdatedAt time.Time
	Version   int64
}

// TaskFilter narrows a list of human tasks. Zero fields match everything.
type TaskFilter struct {
	Queue  string
	Status TaskStatus
	ItemID int64
	Limit  int // default 100
	Offset int
}
