package orchestrator

import (
	"fmt"
	"time"
)

// SLAState is where a task's clock stands.
type SLAState string

// SLA states. A task is at risk from its AtRiskAt and breached from its
// DueAt; the SLA sweep moves it and records why.
const (
	SLAOnTrack  SLAState = "on_track"
	SLAAtRisk   SLAState = "at_risk"
	SLABreached SLAState = "breached"
)

// BreachAction is what the SLA timer does when a task breaches.
type BreachAction string

// Breach actions. Every one records an audit entry; Alert only that (and
// the task's SLAState, which dashboards and the inbox show).
const (
	BreachAlert    BreachAction = "alert"    // mark and record only
	BreachReassign BreachAction = "reassign" // hand to the next member (round-robin); unassigned if none
	BreachEscalate BreachAction = "escalate" // move to the next escalation step
)

// SLAPolicy is a team queue's service level: how long a task may take, in
// business days (or wall-clock hours for round-the-clock queues such as
// automation), when it turns at risk, and what happens on a breach.
type SLAPolicy struct {
	// TargetDays is the deadline in business days from the clock start.
	TargetDays int
	// TargetHours is the deadline in wall-clock hours; used when
	// TargetDays is 0.
	TargetHours int
	// AtRiskDays turns the task at risk this many business days before
	// the deadline (TargetDays policies). Default 1.
	AtRiskDays int
	// AtRiskFraction turns an hours-based task at risk once this share of
	// the target has passed. Default 0.75.
	AtRiskFraction float64
	// OnBreach is the breach action. Default BreachAlert.
	OnBreach BreachAction
	// Escalation is the ladder by age of the clock in business days, e.g.
	// a physician query: CDI specialist (0) → physician advisor (3) →
	// director (5). Steps are sorted by AfterDays.
	Escalation []EscalationStep
}

// EscalationStep is one rung of an escalation ladder.
type EscalationStep struct {
	AfterDays int    // business days since the clock started
	Role      string // who owns it now, e.g. "physician_advisor"
	Assignee  string // optional user the task goes to at this step
}

// Validate reports the first unusable field, naming queue.
func (p SLAPolicy) Validate(queue string) error {
	switch {
	case p.TargetDays < 0 || p.TargetHours < 0:
		return fmt.Errorf("%w: queue %s: SLA target is negative", ErrInvalid, queue)
	case p.TargetDays == 0 && p.TargetHours == 0:
		return fmt.Errorf("%w: queue %s: SLA needs target_days or target_hours", ErrInvalid, queue)
	case p.AtRiskFraction < 0 || p.AtRiskFraction >= 1:
		return fmt.Errorf("%w: queue %s: SLA at_risk_fraction %.2f: want 0 to 1", ErrInvalid, queue, p.AtRiskFraction)
	case p.AtRiskDays < 0:
		return fmt.Errorf("%w: queue %s: SLA at_risk_days is negative", ErrInvalid, queue)
	}
	switch p.OnBreach {
	case "", BreachAlert, BreachReassign, BreachEscalate:
	default:
		return fmt.Errorf("%w: queue %s: SLA on_breach %q: want alert, reassign or escalate", ErrInvalid, queue, p.OnBreach)
	}
	for i, s := range p.Escalation {
		if s.Role == "" {
			return fmt.Errorf("%w: queue %s: escalation step %d has no role", ErrInvalid, queue, i+1)
		}
		if i > 0 && s.AfterDays <= p.Escalation[i-1].AfterDays {
			return fmt.Errorf("%w: queue %s: escalation step %d (%s) must come after %d business days", ErrInvalid, queue, i+1, s.Role, p.Escalation[i-1].AfterDays)
		}
	}
	return nil
}

// Clock computes when a task whose clock starts at start turns at risk and
// is due.
func (p SLAPolicy) Clock(cal *Calendar, start time.Time) (atRisk, due time.Time) {
	if p.TargetDays > 0 {
		due = cal.AddBusinessDays(start, p.TargetDays)
		days := p.AtRiskDays
		if days == 0 {
			days = 1
		}
		if days >= p.TargetDays {
			return start.UTC(), due.UTC()
		}
		return cal.AddBusinessDays(due, -days).UTC(), due.UTC()
	}
	target := time.Duration(p.TargetHours) * time.Hour
	frac := p.AtRiskFraction
	if frac == 0 {
		frac = 0.75
	}
	return start.Add(time.Duration(float64(target) * frac)).UTC(), start.Add(target).UTC()
}

// SLAStateAt is the SLA state at now of a task with the given clock.
func SLAStateAt(now, atRisk, due time.Time) SLAState {
	switch {
	case !due.IsZero() && !now.Before(due):
		return SLABreached
	case !atRisk.IsZero() && !now.Before(atRisk):
		return SLAAtRisk
	}
	return SLAOnTrack
}

// Step returns the escalation step a clock started at start has reached at
// now (its 1-based level), or level 0 when the ladder is empty.
func (p SLAPolicy) Step(cal *Calendar, start, now time.Time) (EscalationStep, int) {
	age := cal.BusinessDaysBetween(start, now)
	level := 0
	for i, s := range p.Escalation {
		if age >= s.AfterDays {
			level = i + 1
		}
	}
	if level == 0 {
		return EscalationStep{}, 0
	}
	return p.Escalation[level-1], level
}
