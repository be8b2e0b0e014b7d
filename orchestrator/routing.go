package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RouteInput is what routing rules look at after a bot observed an item.
type RouteInput struct {
	Item     WorkItem      // the item after the upsert
	Outcome  UpsertOutcome // created, updated or unchanged
	Problems []FieldProblem
	RunID    string
	Bot      string
}

// RunFailure is what routing rules look at when a run failed for good.
type RunFailure struct {
	Run Run
	Bot Bot
}

// RouteDecision is what one matching rule decided for an item: which
// team queue reviews it, how urgently, and why.
type RouteDecision struct {
	Rule     string // the rule's name; also the task's Reason
	Queue    string
	Priority Priority
	Detail   string // what the rule saw, in words (never PHI)
	// ClockStart starts the task's SLA clock; zero means now. A query rule
	// starts it at the query's sent date.
	ClockStart time.Time
	// DueAt overrides the queue's SLA deadline (a claim's timely-filing
	// date); zero means the SLA policy decides.
	DueAt time.Time
	// MoveItem moves the item itself to Queue and Priority as well.
	MoveItem bool
}

// Router decides who needs to look at an item or a failed run. The rules
// package implements it from a YAML file with expr conditions.
type Router interface {
	// Route returns the decisions for one observed item: none when the
	// bot handled it cleanly and it was not sampled.
	Route(ctx context.Context, in RouteInput, now time.Time) ([]RouteDecision, error)
	// RouteFailure returns the decisions for a run that failed for good.
	RouteFailure(ctx context.Context, f RunFailure, now time.Time) ([]RouteDecision, error)
}

// RuleError is a routing rule that failed at run time on one input (a
// field of the wrong type, a date it cannot read): the rule did not match.
// Err may quote the input's data, so it is neither logged nor shown; the
// rule's name and part say where to look.
type RuleError struct {
	Rule string // the rule's name
	Part string // the expression that failed: "when", "clock_start" or "due"
	Err  error
}

func (e *RuleError) Error() string { return fmt.Sprintf("rule %q: %s: %v", e.Rule, e.Part, e.Err) }

func (e *RuleError) Unwrap() error { return e.Err }

// RuleErrors lists the RuleErrors in err, which may join several.
func RuleErrors(err error) []*RuleError {
	var out []*RuleError
	var walk func(error)
	walk = func(err error) {
		var re *RuleError
		switch x := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		default:
			if errors.As(err, &re) {
				out = append(out, re)
			}
		}
	}
	walk(err)
	return out
}
