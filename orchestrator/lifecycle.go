package orchestrator

import (
	"fmt"
	"strings"
)

// Work item lifecycle
//
//	New ──start──▶ InProgress ──▶ Successful
//	 │  ◀─release──     │     ──▶ Failed (business | application)
//	 │                  └───────▶ Abandoned (lease expired, deadline passed)
//	 ├─────────────────────────▶ Failed (business: a person decides up front)
//	 └─────────────────────────▶ Abandoned (deadline passed before anyone started)
//	Failed, Abandoned ──retry──▶ New (RetryCount+1; the earlier outcome stays in history)
//
// Successful is final. Review status is separate and moves
// None → InReview → Verified (or back to None when a reviewer sends it back).

// FailureKind says why a failed item failed.
type FailureKind string

// Failure kinds. A business failure is a fact about the work (the account
// is closed, the payer rejects it); retrying will not help and it is not
// retried automatically. An application failure is the machinery's (a
// portal timed out, a selector missed); a retry may succeed.
const (
	FailureNone        FailureKind = ""
	FailureBusiness    FailureKind = "business"
	FailureApplication FailureKind = "application"
)

// Valid reports whether k is a known failure kind (FailureNone included).
func (k FailureKind) Valid() bool {
	return k == FailureNone || k == FailureBusiness || k == FailureApplication
}

// ReviewStatus is the review of a work item, separate from its lifecycle:
// a successful item can still be in QA review.
type ReviewStatus string

// Review statuses.
const (
	ReviewNone     ReviewStatus = "none"
	ReviewInReview ReviewStatus = "in_review"
	ReviewVerified ReviewStatus = "verified"
)

// Priority orders work. The zero value is not valid; items default to
// PriorityNormal.
type Priority string

// Priorities, lowest first.
const (
	PriorityLow      Priority = "low"
	PriorityNormal   Priority = "normal"
	PriorityHigh     Priority = "high"
	PriorityCritical Priority = "critical"
)

// Rank is the priority's order (Low 1 … Critical 4); 0 for an unknown one.
// Stores sort by it, highest first.
func (p Priority) Rank() int {
	switch p {
	case PriorityLow:
		return 1
	case PriorityNormal:
		return 2
	case PriorityHigh:
		return 3
	case PriorityCritical:
		return 4
	}
	return 0
}

// ParsePriority accepts a priority name in any case.
func ParsePriority(s string) (Priority, error) {
	p := Priority(strings.ToLower(strings.TrimSpace(s)))
	if p.Rank() == 0 {
		return "", fmt.Errorf("%w: priority %q: want low, normal, high or critical", ErrInvalid, s)
	}
	return p, nil
}

// Final reports whether no transition leaves s except a retry.
func (s ItemStatus) Final() bool {
	return s == ItemSuccessful || s == ItemFailed || s == ItemAbandoned
}

// Valid reports whether s is a known item status.
func (s ItemStatus) Valid() bool {
	switch s {
	case ItemNew, ItemInProgress, ItemSuccessful, ItemFailed, ItemAbandoned:
		return true
	}
	return false
}

// CanTransition reports whether an item may move from s to to. A retry
// (Failed or Abandoned back to New) is its own operation: see CanRetry.
func (s ItemStatus) CanTransition(to ItemStatus) bool {
	switch s {
	case ItemNew:
		return to == ItemInProgress || to == ItemFailed || to == ItemAbandoned
	case ItemInProgress:
		return to == ItemNew || to == ItemSuccessful || to == ItemFailed || to == ItemAbandoned
	}
	return false
}

// CanRetry reports whether an item in status s may be retried.
func (s ItemStatus) CanRetry() bool { return s == ItemFailed || s == ItemAbandoned }

// CanReview reports whether review status r may move to to.
func (r ReviewStatus) CanReview(to ReviewStatus) bool {
	switch r {
	case ReviewNone, "":
		return to == ReviewInReview
	case ReviewInReview:
		return to == ReviewVerified || to == ReviewNone
	case ReviewVerified:
		return to == ReviewInReview // reopened by a second reviewer
	}
	return false
}

// TransitionError reports a move the lifecycle does not allow.
type TransitionError struct {
	What     string // "item 42", "task 7"
	From, To string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("orchestrator: %s cannot go from %s to %s", e.What, e.From, e.To)
}

// Is makes a TransitionError match ErrInvalid.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalid }
