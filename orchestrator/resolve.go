package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Resolution is how a person resolved a task.
type Resolution struct {
	Outcome string // one of the queue's outcomes
	Note    string
}

// Resolve completes the task with one of its queue's outcomes. The task
// must be unassigned or held by user. The resolution, the item's end (an
// outcome with ItemStatus), its review (one with Review) and the
// write-back request (one with WriteBack: an outbox message for the run
// whose id goes on the task) commit in one transaction: all of them or
// none. A write-back is refused, in words, for an item the configured
// write-back cannot act on.
func (s *TaskService) Resolve(ctx context.Context, id, expect int64, user string, r Resolution) (HumanTask, error) {
	if user == "" {
		return HumanTask{}, fmt.Errorf("orchestrator: resolve task %d: %w: no user", id, ErrInvalid)
	}
	t, err := s.changeWith(ctx, "resolve", id, expect, UserActor(user), func(now time.Time, t *HumanTask, u *TaskUpdate) (string, string, error) {
		if t.Status == TaskCompleted || (t.Assignee != "" && t.Assignee != user) {
			return "", "", s.conflict("resolve", *t)
		}
		q, ok := s.queues.Queue(t.Queue)
		if !ok {
			return "", "", fmt.Errorf("%w: queue %q is not configured", ErrInvalid, t.Queue)
		}
		o, ok := q.Outcome(r.Outcome)
		if !ok {
			return "", "", fmt.Errorf("%w: outcome %q is not one of queue %s's", ErrInvalid, r.Outcome, t.Queue)
		}
		var item WorkItem
		if t.ItemID != 0 {
			it, err := s.store.Item(ctx, t.ItemID)
			if err != nil {
				return "", "", err
			}
			item = it
		}
		if err := s.canWriteBack(o, t.ItemID, item); err != nil {
			return "", "", err
		}
		if t.Assignee == "" {
			t.Assignee, t.AssignedAt, t.AssignedBy = user, now, UserActor(user)
		}
		t.Status, t.Outcome, t.Resolution = TaskCompleted, o.Name, r.Note
		t.CompletedAt, t.CompletedBy = now, user
		if t.ItemID != 0 {
			items, err := s.planItem(item, *t, o, UserActor(user))
			if err != nil {
				return "", "", err
			}
			u.Items = items
		}
		if o.WriteBack {
			t.WriteBackRunID = WriteBackRunID(t.ID)
			m, err := writeBackMessage(WriteBackRequest{RunID: t.WriteBackRunID, TaskID: t.ID, ItemID: t.ItemID,
				Queue: t.Queue, Outcome: t.Outcome, Actor: UserActor(user)})
			if err != nil {
				return "", "", err
			}
			u.Outbox = []OutboxMessage{m}
		}
		return "task.resolved", "outcome " + o.Name, nil
	})
	if err != nil {
		return t, err
	}
	s.outboxWritten()
	return t, nil
}

// canWriteBack refuses an outcome that writes back where no write-back
// can act.
func (s *TaskService) canWriteBack(o Outcome, itemID int64, item WorkItem) error {
	switch {
	case !o.WriteBack:
		return nil
	case s.writeBack == nil:
		return fmt.Errorf("%w: outcome %s needs a write-back, and none is configured", ErrInvalid, o.Name)
	case itemID == 0:
		return fmt.Errorf("%w: outcome %s writes back, but the task has no item", ErrInvalid, o.Name)
	}
	if err := s.writeBack.CanWriteBack(item); err != nil {
		return fmt.Errorf("%w: outcome %s writes back to the portal, but %w", ErrInvalid, o.Name, err)
	}
	return nil
}

// offered are the outcomes of q a person may choose for a task about item
// (nil for none): those that write back only where a write-back can act.
func (s *TaskService) offered(q QueueConfig, itemID int64, item *WorkItem) []Outcome {
	out := make([]Outcome, 0, len(q.Outcomes))
	for _, o := range q.Outcomes {
		var it WorkItem
		if item != nil {
			it = *item
		}
		if s.canWriteBack(o, itemID, it) == nil {
			out = append(out, o)
		}
	}
	return out
}

// planItem is the item's part of resolving t with o: its end (an outcome
// with ItemStatus; a New item is started first, as the lifecycle asks)
// and its review (one with Review, where the item's review allows it).
func (s *TaskService) planItem(it WorkItem, t HumanTask, o Outcome, actor string) ([]ItemUpdate, error) {
	var out []ItemUpdate
	step := func(action, reason string, fn func(time.Time, *ItemState) error) error {
		u, next, err := s.items.plan(it, actor, action, reason, fn)
		if err != nil {
			return err
		}
		out, it = append(out, u), next
		return nil
	}
	reason := fmt.Sprintf("task %d resolved: %s", t.ID, o.Name)
	var err error
	switch {
	case o.ItemStatus == "" || it.Status == o.ItemStatus:
	case o.ItemStatus == ItemFailed:
		err = step(ActionFailed, reason, failAs(it.ID, FailureBusiness))
	case it.Status == ItemNew:
		if err = step(ActionStarted, "", s.items.start(it.ID, actor)); err == nil {
			err = step(ActionSucceeded, reason, moveTo(it.ID, ItemSuccessful))
		}
	default:
		err = step(ActionSucceeded, reason, moveTo(it.ID, ItemSuccessful))
	}
	if err != nil {
		return nil, fmt.Errorf("its item cannot be ended: %w", err)
	}
	if o.Review != "" && it.Review != o.Review && it.Review.CanReview(o.Review) {
		if err := step(ActionReviewed, reason, review(it.ID, o.Review)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RetryWriteBack asks again for the write-back of a task whose write-back
// failed for good: a new run (its id on the task) through the outbox, in
// the same transaction as the task's change. The automation team's
// action_failed task about the item is then closed as
// OutcomeWriteBackRetried, unless another write-back of the item still
// failed. The caller checks the role (supervisors and above).
func (s *TaskService) RetryWriteBack(ctx context.Context, id, expect int64, user string) (HumanTask, error) {
	if user == "" {
		return HumanTask{}, fmt.Errorf("orchestrator: retry write-back of task %d: %w: no user", id, ErrInvalid)
	}
	t, err := s.changeWith(ctx, "retry the write-back of", id, expect, UserActor(user), func(_ time.Time, t *HumanTask, u *TaskUpdate) (string, string, error) {
		if t.Status != TaskCompleted || t.WriteBackRunID == "" || t.ActionError == "" {
			return "", "", fmt.Errorf("%w: task %d has no failed write-back to retry", ErrInvalid, t.ID)
		}
		if s.writeBack == nil {
			return "", "", fmt.Errorf("%w: no write-back is configured", ErrInvalid)
		}
		t.WriteBackRunID, t.ActionError = writeBackRetryRunID(t.ID, t.Version), ""
		m, err := writeBackMessage(WriteBackRequest{RunID: t.WriteBackRunID, TaskID: t.ID, ItemID: t.ItemID,
			Queue: t.Queue, Outcome: t.Outcome, Actor: UserActor(t.CompletedBy)})
		if err != nil {
			return "", "", err
		}
		u.Outbox = []OutboxMessage{m}
		return "task.action_retried", "write-back run " + t.WriteBackRunID, nil
	})
	if err != nil {
		return t, err
	}
	s.outboxWritten()
	if err := s.closeActionFailed(ctx, t, user); err != nil {
		return t, fmt.Errorf("orchestrator: the write-back of task %d was retried, but %w", id, err)
	}
	return t, nil
}

// WriteBackFailed records that run, the write-back of task id, failed for
// good: the task shows reason (in words for people) and offers a retry, and
// a task in the automation queue asks someone to look. A run that is no
// longer the task's write-back (retried since) changes nothing. Calling it
// again is harmless: the automation task is opened once.
func (s *TaskService) WriteBackFailed(ctx context.Context, id int64, run, reason string) (HumanTask, error) {
	if reason == "" {
		return HumanTask{}, fmt.Errorf("orchestrator: write-back of task %d failed: %w: no reason", id, ErrInvalid)
	}
	stale := false
	t, err := s.changeWith(ctx, "record the failed write-back of", id, 0, ActorSystem, func(_ time.Time, t *HumanTask, u *TaskUpdate) (string, string, error) {
		if t.WriteBackRunID != run {
			stale = true
			return "", "", errUnchanged
		}
		if t.ActionError == reason {
			return "", "", errUnchanged
		}
		t.ActionError = reason
		u.History = fmt.Sprintf("task %d: the write-back failed: %s", t.ID, reason)
		return "task.action_failed", reason, nil
	})
	if err != nil || stale {
		return t, err
	}
	q := QueueAutomation
	if _, ok := s.queues.Queue(q); !ok {
		return t, fmt.Errorf("orchestrator: write-back of task %d failed, and queue %s is not configured to hear of it", id, q)
	}
	_, _, err = s.open(ctx, HumanTask{ItemID: t.ItemID, ItemRef: t.ItemRef, ItemKey: t.ItemKey, Reason: ReasonActionFailed},
		RouteDecision{Queue: q, Rule: ReasonActionFailed, Priority: PriorityHigh,
			Detail: fmt.Sprintf("The write-back of task %d failed: %s", t.ID, reason)}, ActorSystem)
	if err != nil && !errors.Is(err, ErrConflict) {
		return t, fmt.Errorf("orchestrator: write-back of task %d failed, and no automation task was opened: %w", id, err)
	}
	return t, nil
}

// outboxWritten tells the dispatcher a message is waiting.
func (s *TaskService) outboxWritten() {
	if s.onOutbox != nil {
		s.onOutbox()
	}
}
