package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SLAReport counts what one SLA sweep changed.
type SLAReport struct {
	AtRisk     int // tasks that turned at risk (alerted)
	Breached   int // tasks that breached
	Reassigned int // breached tasks handed to the next member
	Escalated  int // tasks moved up their escalation ladder
}

// SweepSLA moves every task whose clock passed a mark: on track to at
// risk (an alert in the audit log), to breached (alert, reassign or
// escalate, as the queue's policy says), and up the escalation ladder when
// a step's age is reached (e.g. a physician query open 3 business days
// goes to the physician advisor). Every change is ActorSystem with a
// reason naming the clock. Tasks changed meanwhile by someone else are
// left for the next sweep.
func (s *TaskService) SweepSLA(ctx context.Context, limit int) (SLAReport, error) {
	var rep SLAReport
	now := s.now().UTC()
	due, err := s.store.SLADue(ctx, now, limit)
	if err != nil {
		return rep, fmt.Errorf("orchestrator: SLA sweep: %w", err)
	}
	for _, t := range due {
		q, ok := s.queues.Queue(t.Queue)
		if !ok {
			continue // a queue removed from configuration keeps its tasks as they are
		}
		if err := s.sweepTask(ctx, t, q, now, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (s *TaskService) sweepTask(ctx context.Context, t HumanTask, q QueueConfig, now time.Time, rep *SLAReport) error {
	cal := s.queues.Calendar
	state := SLAStateAt(now, t.AtRiskAt, t.DueAt)
	_, level := q.SLA.Step(cal, t.ClockStart, now)
	climb := level > t.Escalation && level > 1 // step 1 is where the ladder starts
	breach := state == SLABreached && t.SLAState != SLABreached
	risk := state == SLAAtRisk && t.SLAState == SLAOnTrack
	if !climb && !breach && !risk {
		if level > t.Escalation { // record reaching step 1 without an event
			return s.sweepWrite(ctx, t, func(n *HumanTask) (string, string) {
				n.Escalation, n.EscalatedTo = level, q.SLA.Escalation[level-1].Role
				n.EscalateAt = s.nextEscalation(q, t.ClockStart, level)
				return "task.sla_ladder", fmt.Sprintf("owned by %s", n.EscalatedTo)
			}, nil)
		}
		return nil
	}
	age := cal.BusinessDaysBetween(t.ClockStart, now)
	switch {
	case breach:
		return s.sweepWrite(ctx, t, func(n *HumanTask) (string, string) {
			n.SLAState = SLABreached
			detail := fmt.Sprintf("due %s passed (%d business days since %s)", t.DueAt.Format(time.RFC3339), age, t.ClockStart.Format(time.DateOnly))
			switch q.SLA.OnBreach {
			case BreachEscalate:
				s.escalateTo(n, max(level, n.Escalation+1))
				rep.Escalated++
				return "task.sla_breached", detail + "; escalated to " + n.EscalatedTo
			case BreachReassign:
				return "task.sla_breached", detail + "; reassigning"
			}
			return "task.sla_breached", detail + "; alert"
		}, func(n HumanTask) error {
			rep.Breached++
			if q.SLA.OnBreach != BreachReassign || len(q.Members) == 0 {
				return nil
			}
			rq := q
			rq.Assignment = AssignRoundRobin
			if _, err := s.autoAssign(ctx, n, rq, ActorSystem, n.Assignee); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrInvalid) {
				return err
			}
			rep.Reassigned++
			return nil
		})
	case climb:
		return s.sweepWrite(ctx, t, func(n *HumanTask) (string, string) {
			s.escalateTo(n, level)
			if state == SLAAtRisk && n.SLAState == SLAOnTrack {
				n.SLAState = SLAAtRisk
			}
			rep.Escalated++
			return "task.escalated", fmt.Sprintf("open %d business days since %s: escalation step %d, %s", age, t.ClockStart.Format(time.DateOnly), level, n.EscalatedTo)
		}, nil)
	default:
		return s.sweepWrite(ctx, t, func(n *HumanTask) (string, string) {
			n.SLAState = SLAAtRisk
			rep.AtRisk++
			return "task.sla_at_risk", fmt.Sprintf("due %s; at risk since %s", t.DueAt.Format(time.RFC3339), t.AtRiskAt.Format(time.RFC3339))
		}, nil)
	}
}

// sweepWrite writes one sweep change as ActorSystem; a task someone
// changed meanwhile is skipped.
func (s *TaskService) sweepWrite(ctx context.Context, t HumanTask, edit func(n *HumanTask) (string, string), after func(HumanTask) error) error {
	n := t
	action, detail := edit(&n)
	n.UpdatedAt = s.now().UTC()
	out, err := s.store.UpdateTask(ctx, TaskUpdate{Task: n, Actor: ActorSystem, Action: action, Detail: detail, At: n.UpdatedAt})
	if errors.Is(err, ErrConflict) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("orchestrator: SLA sweep task %d: %w", t.ID, err)
	}
	if after != nil {
		return after(out)
	}
	return nil
}
