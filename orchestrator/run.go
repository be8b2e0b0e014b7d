package orchestrator

import "time"

// RunStatus is where a bot run is in its life.
type RunStatus string

// Run statuses. A run is Queued when enqueued, Running while an attempt
// works, Retrying between failed attempts, and ends Succeeded or Failed.
const (
	RunQueued    RunStatus = "queued"
	RunRunning   RunStatus = "running"
	RunRetrying  RunStatus = "retrying"
	RunSucceeded RunStatus = "succeeded"
	RunFailed    RunStatus = "failed"
)

// Done reports whether the run has ended.
func (s RunStatus) Done() bool { return s == RunSucceeded || s == RunFailed }

// SlotManual is the schedule slot of a run started by hand.
const SlotManual = "manual"

// Run is one execution of a bot, possibly over several attempts. Its ID is
// chosen by whoever enqueues it (deterministic for scheduled slots), so
// recording it twice is harmless.
type Run struct {
	ID          string
	Bot         string
	Slot        string // schedule slot (RFC 3339, UTC) or SlotManual
	Status      RunStatus
	Attempts    int
	Worker      string
	Pages       int
	Records     int
	Created     int // work items created by this run
	Updated     int // work items whose data changed
	Unchanged   int // work items read with no change
	Screenshots int
	Error       string // last error, never containing PHI or secrets
	QueuedAt    time.Time
	StartedAt   time.Time // zero until the first attempt starts
	FinishedAt  time.Time // zero until the run ends
}

// Duration is how long the run took from its first start to its end.
func (r Run) Duration() time.Duration {
	if r.StartedAt.IsZero() || r.FinishedAt.IsZero() {
		return 0
	}
	return r.FinishedAt.Sub(r.StartedAt)
}

// RunProgress is a snapshot of counters an attempt reports while it works.
type RunProgress struct {
	Pages       int
	Records     int
	Created     int
	Updated     int
	Unchanged   int
	Screenshots int
}
