package orchestrator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// ItemKind says what a work item is.
type ItemKind string

// Work item kinds.
const (
	KindCodingHold ItemKind = "coding_hold"
	KindClaimEdit  ItemKind = "claim_edit"
)

// ItemStatus is where a work item is in its lifecycle.
type ItemStatus string

// Work item statuses. The full lifecycle (transitions, review status,
// retries) builds on these.
const (
	ItemNew        ItemStatus = "new"
	ItemInProgress ItemStatus = "in_progress"
	ItemSuccessful ItemStatus = "successful"
	ItemFailed     ItemStatus = "failed"
	ItemAbandoned  ItemStatus = "abandoned"
)

// WorkItem is one unit of work in a team queue, keyed naturally by the
// portal it came from and the portal's own id for it (an account number,
// a claim edit id).
type WorkItem struct {
	ID         int64
	Queue      string
	Portal     string
	ExternalID string
	Kind       ItemKind
	Status     ItemStatus
	Data       json.RawMessage // canonical JSON of the last observation
	DataHash   string          // sha256 of Data, hex
	EvidenceID int64           // evidence of the last observation; 0 if none
	FirstRunID string
	LastRunID  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64 // increments on every change, for optimistic concurrency

	// Lifecycle (see lifecycle.go). A new item is New, Normal priority,
	// review None, with no reference, deadline or lease.
	Failure      FailureKind  // set while Status is ItemFailed
	StatusReason string       // why the item has its status (a failure, an abandonment)
	Review       ReviewStatus // QA review, separate from Status
	Priority     Priority
	Reference    string    // unique within the queue when set; "" means none
	DeferUntil   time.Time // not to be worked before; zero means now
	DueAt        time.Time // deadline, e.g. a claim's timely-filing date; zero means none
	RetryCount   int       // retries so far; each one's outcome stays in History
	LeaseOwner   string    // actor working the item while InProgress
	LeaseUntil   time.Time // when an unfinished InProgress item is abandoned
}

// Ref names the item for people and logs: its Reference, or portal/external id.
func (w WorkItem) Ref() string {
	if w.Reference != "" {
		return w.Reference
	}
	return w.Portal + "/" + w.ExternalID
}

// State is the item's lifecycle state, the part ItemService changes.
func (w WorkItem) State() ItemState {
	return ItemState{
		Queue: w.Queue, Status: w.Status, Failure: w.Failure, StatusReason: w.StatusReason,
		Review: w.Review, Priority: w.Priority, Reference: w.Reference, DeferUntil: w.DeferUntil,
		DueAt: w.DueAt, RetryCount: w.RetryCount, LeaseOwner: w.LeaseOwner, LeaseUntil: w.LeaseUntil,
	}
}

// withState is w with its lifecycle fields set to st.
func (w WorkItem) withState(st ItemState) WorkItem {
	w.Queue, w.Status, w.Failure, w.StatusReason = st.Queue, st.Status, st.Failure, st.StatusReason
	w.Review, w.Priority, w.Reference, w.DeferUntil = st.Review, st.Priority, st.Reference, st.DeferUntil
	w.DueAt, w.RetryCount, w.LeaseOwner, w.LeaseUntil = st.DueAt, st.RetryCount, st.LeaseOwner, st.LeaseUntil
	return w
}

// ItemState is the lifecycle part of a work item: everything a person or
// a sweep may change. The observed data is the bots' alone.
type ItemState struct {
	Queue        string
	Status       ItemStatus
	Failure      FailureKind
	StatusReason string
	Review       ReviewStatus
	Priority     Priority
	Reference    string
	DeferUntil   time.Time
	DueAt        time.Time
	RetryCount   int
	LeaseOwner   string
	LeaseUntil   time.Time
}

// Observation is what a bot read about one work item on one visit.
type Observation struct {
	Portal     string
	ExternalID string
	Kind       ItemKind
	Queue      string
	Data       any   // a typed record such as CodingHold; marshalled canonically
	EvidenceID int64 // optional
	// Problems are fields the bot could not read or validate. The item is
	// still recorded (nothing read is lost) but flagged for a person; the
	// problems are kept in its data under "_problems" (WorkItem.Problems).
	Problems []FieldProblem
}

// FieldProblem is one field of a portal record that failed to parse or
// validate. Problem names the rule, never the bad value (it may be PHI).
type FieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// ItemUpsert is an observation made ready for the store: data marshalled
// and hashed, attributed to a run.
type ItemUpsert struct {
	Portal     string
	ExternalID string
	Kind       ItemKind
	Queue      string
	Data       json.RawMessage
	DataHash   string
	EvidenceID int64
	RunID      string
	At         time.Time
}

// NewItemUpsert validates obs and prepares it for the store.
func NewItemUpsert(runID string, at time.Time, obs Observation) (ItemUpsert, error) {
	switch {
	case obs.Portal == "":
		return ItemUpsert{}, fmt.Errorf("%w: observation has no portal", ErrInvalid)
	case obs.ExternalID == "":
		return ItemUpsert{}, fmt.Errorf("%w: observation from %s has no external id", ErrInvalid, obs.Portal)
	case obs.Kind == "":
		return ItemUpsert{}, fmt.Errorf("%w: an observation from %s has no kind", ErrInvalid, obs.Portal)
	case obs.Queue == "":
		return ItemUpsert{}, fmt.Errorf("%w: an observation from %s has no queue", ErrInvalid, obs.Portal)
	}
	// encoding/json writes struct fields in declaration order and map keys
	// sorted, so equal records always marshal to equal bytes.
	data, err := marshalObservation(obs)
	if err != nil {
		return ItemUpsert{}, fmt.Errorf("%w: an observation from %s: %v", ErrInvalid, obs.Portal, err)
	}
	sum := sha256.Sum256(data)
	return ItemUpsert{
		Portal:     obs.Portal,
		ExternalID: obs.ExternalID,
		Kind:       obs.Kind,
		Queue:      obs.Queue,
		Data:       data,
		DataHash:   hex.EncodeToString(sum[:]),
		EvidenceID: obs.EvidenceID,
		RunID:      runID,
		At:         at.UTC(),
	}, nil
}

// UpsertOutcome says what an upsert did.
type UpsertOutcome string

// Upsert outcomes.
const (
	UpsertCreated   UpsertOutcome = "created"
	UpsertUpdated   UpsertOutcome = "updated"
	UpsertUnchanged UpsertOutcome = "unchanged"
)

// UpsertResult is the item after an upsert and what changed.
type UpsertResult struct {
	Item    WorkItem
	Outcome UpsertOutcome
	Changes []FieldChange
}

// ItemFilter narrows a list of work items. Zero fields match everything.
// String fields match exactly except Search; every value is passed to the
// database as a parameter, so any text (quotes, %, unicode) is safe.
type ItemFilter struct {
	Queue    string
	Portal   string
	Status   ItemStatus
	Kind     ItemKind
	Priority Priority
	Review   ReviewStatus
	// Search matches items whose reference or external id starts with it
	// (case-sensitive, byte order, so an index serves it on 1M items; %, _
	// and quotes are literal). Matches come in that key's order, then ID;
	// page them with Offset (AfterID applies only without Search).
	Search string
	// DueBefore keeps items with a deadline before it.
	DueBefore time.Time
	// ReadyAt keeps items not deferred past it (DeferUntil <= ReadyAt).
	ReadyAt time.Time
	// IDs keeps only the items with these ids (a page's worth; order is
	// by id like any listing without Search).
	IDs []int64
	// AfterID continues a listing after the item with this ID (keyset
	// pagination; cheaper than Offset on large queues).
	AfterID int64
	Limit   int // default 100
	Offset  int
}

// ItemCount is the number of work items in one queue and status.
type ItemCount struct {
	Queue  string
	Status ItemStatus
	Count  int
}
