package inbox

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// The API's records. Their snake_case field names are the API's contract,
// kept apart from the domain's Go types so a refactoring there cannot
// rename a field clients read; /api/openapi.json describes them
// (schemas.go). Times are RFC 3339 in UTC; a time that is not set (a
// deadline a task does not have) is left out.

// TaskRecordJSON is a human task.
type TaskRecordJSON struct {
	ID             int64                   `json:"id"`
	ItemID         int64                   `json:"item_id"`
	Queue          string                  `json:"queue"`
	Reason         string                  `json:"reason"`
	Status         orchestrator.TaskStatus `json:"status"`
	Priority       orchestrator.Priority   `json:"priority"`
	Assignee       string                  `json:"assignee"`
	ItemRef        string                  `json:"item_ref"`
	ItemKey        string                  `json:"item_key"`
	Payer          string                  `json:"payer"`
	Detail         string                  `json:"detail"`
	Version        int64                   `json:"version"`
	CreatedAt      time.Time               `json:"created_at"`
	UpdatedAt      time.Time               `json:"updated_at"`
	UpdatedBy      string                  `json:"updated_by"`
	ClockStart     time.Time               `json:"clock_start,omitzero"`
	AtRiskAt       time.Time               `json:"at_risk_at,omitzero"`
	DueAt          time.Time               `json:"due_at,omitzero"`
	SLAState       orchestrator.SLAState   `json:"sla_state"`
	Escalation     int                     `json:"escalation"`
	EscalatedTo    string                  `json:"escalated_to"`
	EscalateAt     time.Time               `json:"escalate_at,omitzero"`
	AssignedAt     time.Time               `json:"assigned_at,omitzero"`
	AssignedBy     string                  `json:"assigned_by"`
	Outcome        string                  `json:"outcome"`
	Resolution     string                  `json:"resolution"`
	CompletedAt    time.Time               `json:"completed_at,omitzero"`
	CompletedBy    string                  `json:"completed_by"`
	WriteBackRunID string                  `json:"write_back_run_id"`
	// ActionFailed says, in words, why the write-back failed for good;
	// empty while it has not. Supervisors may retry it.
	ActionFailed string `json:"action_failed"`
}

func taskRecordJSON(t orchestrator.HumanTask) TaskRecordJSON {
	return TaskRecordJSON{
		ID: t.ID, ItemID: t.ItemID, Queue: t.Queue, Reason: t.Reason, Status: t.Status, Priority: t.Priority,
		Assignee: t.Assignee, ItemRef: t.ItemRef, ItemKey: t.ItemKey, Payer: t.Payer, Detail: t.Detail,
		Version: t.Version, CreatedAt: utc(t.CreatedAt), UpdatedAt: utc(t.UpdatedAt), UpdatedBy: t.UpdatedBy,
		ClockStart: utc(t.ClockStart), AtRiskAt: utc(t.AtRiskAt), DueAt: utc(t.DueAt), SLAState: t.SLAState,
		Escalation: t.Escalation, EscalatedTo: t.EscalatedTo, EscalateAt: utc(t.EscalateAt),
		AssignedAt: utc(t.AssignedAt), AssignedBy: t.AssignedBy, Outcome: t.Outcome, Resolution: t.Resolution,
		CompletedAt: utc(t.CompletedAt), CompletedBy: t.CompletedBy, WriteBackRunID: t.WriteBackRunID,
		ActionFailed: t.ActionError,
	}
}

// ItemJSON is a work item; data is the portal record as the bot read it.
type ItemJSON struct {
	ID           int64                     `json:"id"`
	Queue        string                    `json:"queue"`
	Portal       string                    `json:"portal"`
	ExternalID   string                    `json:"external_id"`
	Kind         orchestrator.ItemKind     `json:"kind"`
	Status       orchestrator.ItemStatus   `json:"status"`
	Data         json.RawMessage           `json:"data"`
	DataHash     string                    `json:"data_hash"`
	EvidenceID   int64                     `json:"evidence_id"`
	FirstRunID   string                    `json:"first_run_id"`
	LastRunID    string                    `json:"last_run_id"`
	CreatedAt    time.Time                 `json:"created_at"`
	UpdatedAt    time.Time                 `json:"updated_at"`
	Version      int64                     `json:"version"`
	Failure      orchestrator.FailureKind  `json:"failure"`
	StatusReason string                    `json:"status_reason"`
	Review       orchestrator.ReviewStatus `json:"review"`
	Priority     orchestrator.Priority     `json:"priority"`
	Reference    string                    `json:"reference"`
	DeferUntil   time.Time                 `json:"defer_until,omitzero"`
	DueAt        time.Time                 `json:"due_at,omitzero"`
	RetryCount   int                       `json:"retry_count"`
	LeaseOwner   string                    `json:"lease_owner"`
	LeaseUntil   time.Time                 `json:"lease_until,omitzero"`
}

func itemJSON(it *orchestrator.WorkItem) *ItemJSON {
	if it == nil {
		return nil
	}
	data := it.Data
	if !json.Valid(data) {
		data = json.RawMessage("null")
	}
	return &ItemJSON{
		ID: it.ID, Queue: it.Queue, Portal: it.Portal, ExternalID: it.ExternalID, Kind: it.Kind, Status: it.Status,
		Data: data, DataHash: it.DataHash, EvidenceID: it.EvidenceID, FirstRunID: it.FirstRunID, LastRunID: it.LastRunID,
		CreatedAt: utc(it.CreatedAt), UpdatedAt: utc(it.UpdatedAt), Version: it.Version, Failure: it.Failure,
		StatusReason: it.StatusReason, Review: it.Review, Priority: it.Priority, Reference: it.Reference,
		DeferUntil: utc(it.DeferUntil), DueAt: utc(it.DueAt), RetryCount: it.RetryCount, LeaseOwner: it.LeaseOwner,
		LeaseUntil: utc(it.LeaseUntil),
	}
}

// HistoryJSON is one entry of an item's history.
type HistoryJSON struct {
	ID       int64                      `json:"id"`
	ItemID   int64                      `json:"item_id"`
	At       time.Time                  `json:"at"`
	Actor    string                     `json:"actor"`
	Action   string                     `json:"action"`
	Reason   string                     `json:"reason"`
	Changes  []orchestrator.FieldChange `json:"changes"`
	DataHash string                     `json:"data_hash"`
}

func historyJSON(h orchestrator.HistoryEntry) HistoryJSON {
	return HistoryJSON{ID: h.ID, ItemID: h.ItemID, At: utc(h.At), Actor: h.Actor, Action: h.Action, Reason: h.Reason,
		Changes: nonNil(h.Changes), DataHash: h.DataHash}
}

// CommentJSON is a comment on a task.
type CommentJSON struct {
	ID     int64     `json:"id"`
	TaskID int64     `json:"task_id"`
	Author string    `json:"author"`
	Body   string    `json:"body"`
	At     time.Time `json:"at"`
}

func commentJSON(c orchestrator.TaskComment) CommentJSON {
	return CommentJSON{ID: c.ID, TaskID: c.TaskID, Author: c.Author, Body: c.Body, At: utc(c.At)}
}

// OutcomeJSON is a resolution a task's queue offers.
type OutcomeJSON struct {
	Name       string                    `json:"name"`
	Label      string                    `json:"label"`
	WriteBack  bool                      `json:"write_back"`
	ItemStatus orchestrator.ItemStatus   `json:"item_status,omitempty"`
	Review     orchestrator.ReviewStatus `json:"review,omitempty"`
}

func outcomeJSON(o orchestrator.Outcome) OutcomeJSON {
	return OutcomeJSON{Name: o.Name, Label: o.Label, WriteBack: o.WriteBack, ItemStatus: o.ItemStatus, Review: o.Review}
}

// RunJSON is a bot run.
type RunJSON struct {
	ID          string                 `json:"id"`
	Bot         string                 `json:"bot"`
	Slot        string                 `json:"slot"`
	Status      orchestrator.RunStatus `json:"status"`
	Attempts    int                    `json:"attempts"`
	Worker      string                 `json:"worker"`
	Pages       int                    `json:"pages"`
	Records     int                    `json:"records"`
	Created     int                    `json:"created"`
	Updated     int                    `json:"updated"`
	Unchanged   int                    `json:"unchanged"`
	Screenshots int                    `json:"screenshots"`
	Error       string                 `json:"error"`
	QueuedAt    time.Time              `json:"queued_at"`
	StartedAt   time.Time              `json:"started_at,omitzero"`
	FinishedAt  time.Time              `json:"finished_at,omitzero"`
}

// NewRunJSON is r as the API (and docket get) show it.
func NewRunJSON(r orchestrator.Run) RunJSON {
	return RunJSON{ID: r.ID, Bot: r.Bot, Slot: r.Slot, Status: r.Status, Attempts: r.Attempts, Worker: r.Worker,
		Pages: r.Pages, Records: r.Records, Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged,
		Screenshots: r.Screenshots, Error: r.Error, QueuedAt: utc(r.QueuedAt), StartedAt: utc(r.StartedAt),
		FinishedAt: utc(r.FinishedAt)}
}

func runPtrJSON(r *orchestrator.Run) *RunJSON {
	if r == nil {
		return nil
	}
	out := NewRunJSON(*r)
	return &out
}

// BotJSON is a bot's definition; durations are in seconds.
type BotJSON struct {
	Name              string  `json:"name"`
	Kind              string  `json:"kind"`
	Portal            string  `json:"portal"`
	Schedule          string  `json:"schedule"`
	Timezone          string  `json:"timezone"`
	MaxRetry          int     `json:"max_retry"`
	TimeoutSeconds    float64 `json:"timeout_seconds"`
	RetryDelaySeconds float64 `json:"retry_delay_seconds"`
	Enabled           bool    `json:"enabled"`
}

// BotViewJSON is a bot with its last run, last error and pause state.
type BotViewJSON struct {
	Bot                 BotJSON   `json:"bot"`
	Paused              bool      `json:"paused"`
	PausedAt            time.Time `json:"paused_at,omitzero"`
	LastRun             *RunJSON  `json:"last_run,omitempty"`
	LastError           *RunJSON  `json:"last_error,omitempty"`
	LastErrorEvidenceID int64     `json:"last_error_evidence_id,omitempty"`
	// Schedule is the schedule in words, next_run when it fires next
	// (absent: manual, disabled or paused).
	Schedule string    `json:"schedule_words"`
	NextRun  time.Time `json:"next_run,omitzero"`
	// Over the recent runs: how many ended and succeeded, the last
	// success, and the newest run that has not ended.
	RecentFinished  int      `json:"recent_finished"`
	RecentSucceeded int      `json:"recent_succeeded"`
	LastSuccess     *RunJSON `json:"last_success,omitempty"`
	Active          *RunJSON `json:"active_run,omitempty"`
}

func botViewJSON(v BotView) BotViewJSON {
	b := v.Bot
	return BotViewJSON{
		Bot: BotJSON{Name: b.Name, Kind: b.Kind, Portal: b.Portal, Schedule: b.Schedule, Timezone: b.Timezone,
			MaxRetry: b.MaxRetry, TimeoutSeconds: b.Timeout.Seconds(), RetryDelaySeconds: b.RetryDelay.Seconds(), Enabled: b.Enabled},
		Paused: v.Paused, PausedAt: utc(v.PausedAt), LastRun: runPtrJSON(v.LastRun), LastError: runPtrJSON(v.LastError),
		LastErrorEvidenceID: v.LastErrorEvidence, Schedule: v.Schedule, NextRun: utc(v.NextRun),
		RecentFinished: v.Finished, RecentSucceeded: v.Succeeded, LastSuccess: runPtrJSON(v.LastSuccess), Active: runPtrJSON(v.Active),
	}
}

// AuditJSON is one audit log entry with its chain links.
type AuditJSON struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Subject  string    `json:"subject"`
	Detail   string    `json:"detail"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

func auditJSON(a orchestrator.AuditEntry) AuditJSON {
	return AuditJSON{Seq: a.Seq, At: utc(a.At), Actor: a.Actor, Action: a.Action, Subject: a.Subject, Detail: a.Detail,
		PrevHash: a.PrevHash, Hash: a.Hash}
}

// EvidenceJSON is an evidence record with where to fetch its content;
// purpose says what a write-back's screenshot shows ("before" or "after"
// the action) and is left out elsewhere.
type EvidenceJSON struct {
	ID              int64     `json:"id"`
	SHA256          string    `json:"sha256"`
	Kind            string    `json:"kind"`
	MediaType       string    `json:"media_type"`
	Size            int64     `json:"size"`
	URL             string    `json:"url"`
	Bot             string    `json:"bot"`
	RunID           string    `json:"run_id"`
	ItemRef         string    `json:"item_ref"`
	SelectorVersion string    `json:"selector_version"`
	CapturedAt      time.Time `json:"captured_at"`
	PrevHash        string    `json:"prev_hash"`
	Hash            string    `json:"hash"`
	Purpose         string    `json:"purpose,omitempty"`
	ContentURL      string    `json:"content_url"`
}

func evidenceJSON(e orchestrator.Evidence) EvidenceJSON {
	return EvidenceJSON{ID: e.ID, SHA256: e.SHA256, Kind: e.Kind, MediaType: e.MediaType, Size: e.Size, URL: e.URL,
		Bot: e.Bot, RunID: e.RunID, ItemRef: e.ItemRef, SelectorVersion: e.SelectorVersion, CapturedAt: utc(e.CapturedAt),
		PrevHash: e.PrevHash, Hash: e.Hash, ContentURL: "/api/v1/evidence/" + strconv.FormatInt(e.ID, 10) + "/content"}
}

// mapJSON converts every record of a list, never returning nil (an empty
// list is [] in JSON, not null).
func mapJSON[T, J any](in []T, f func(T) J) []J {
	out := make([]J, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
