package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// OutcomeWriteBackRetried is the outcome of an action_failed task that a
// retry of the failed write-back closed. It is Docket's, not one of the
// automation queue's: no person chose it.
const OutcomeWriteBackRetried = "write_back_retried"

// closeActionFailed completes the open action_failed task of t's item once
// no other task of the item has a failed write-back left: the retry of t's
// write-back answers it. A retry that fails again opens a new one
// (WriteBackFailed). A person who resolved it meanwhile wins.
func (s *TaskService) closeActionFailed(ctx context.Context, t HumanTask, user string) error {
	if t.ItemID == 0 {
		return nil
	}
	done, err := s.store.Tasks(ctx, TaskFilter{ItemID: t.ItemID, Status: TaskCompleted})
	if err != nil {
		return fmt.Errorf("orchestrator: close the action_failed task of item %d: %w", t.ItemID, err)
	}
	for _, d := range done {
		if d.ID != t.ID && d.ActionError != "" {
			return nil // another write-back of the item still failed
		}
	}
	open, err := s.store.Tasks(ctx, TaskFilter{ItemID: t.ItemID, Reason: ReasonActionFailed, Open: true})
	if err != nil {
		return fmt.Errorf("orchestrator: close the action_failed task of item %d: %w", t.ItemID, err)
	}
	for _, a := range open {
		_, err := s.change(ctx, "close", a.ID, a.Version, UserActor(user), func(now time.Time, a *HumanTask) (string, string, error) {
			a.Status, a.Outcome, a.CompletedAt, a.CompletedBy = TaskCompleted, OutcomeWriteBackRetried, now, user
			a.Resolution = fmt.Sprintf("The write-back of task %d was retried (run %s).", t.ID, t.WriteBackRunID)
			return "task.resolved", fmt.Sprintf("outcome %s: task %d's write-back retried as run %s", OutcomeWriteBackRetried, t.ID, t.WriteBackRunID), nil
		})
		var ce *TaskConflictError
		if err != nil && !errors.As(err, &ce) && !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return nil
}
