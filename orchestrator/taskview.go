package orchestrator

import (
	"context"
	"errors"
	"fmt"
)

// TaskView is everything the inbox shows about one task.
type TaskView struct {
	Task     HumanTask
	Item     *WorkItem // nil when the task is about no item
	History  []HistoryEntry
	Comments []TaskComment
	// WriteBack is the run a resolution enqueued (nil when none, or not
	// recorded yet) and WriteBackEvidence what it captured.
	WriteBack         *Run
	WriteBackEvidence []Evidence
	// Outcomes are the resolutions the task's queue offers for its item:
	// those that write back only where a write-back can act on it.
	Outcomes []Outcome
}

// View loads a task with its item, history, comments and write-back run.
func (s *TaskService) View(ctx context.Context, id int64) (TaskView, error) {
	t, err := s.store.Task(ctx, id)
	if err != nil {
		return TaskView{}, fmt.Errorf("orchestrator: view task %d: %w", id, err)
	}
	v := TaskView{Task: t}
	if t.ItemID != 0 {
		it, err := s.store.Item(ctx, t.ItemID)
		if err != nil {
			return v, fmt.Errorf("orchestrator: view task %d: %w", id, err)
		}
		v.Item = &it
		if v.History, err = s.store.History(ctx, t.ItemID); err != nil && !errors.Is(err, ErrNotFound) {
			return v, fmt.Errorf("orchestrator: view task %d: %w", id, err)
		}
	}
	if q, ok := s.queues.Queue(t.Queue); ok {
		v.Outcomes = s.offered(q, t.ItemID, v.Item)
	}
	if v.Comments, err = s.store.Comments(ctx, id); err != nil {
		return v, fmt.Errorf("orchestrator: view task %d: %w", id, err)
	}
	if t.WriteBackRunID != "" {
		run, err := s.store.Run(ctx, t.WriteBackRunID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return v, fmt.Errorf("orchestrator: view task %d: %w", id, err)
		default:
			v.WriteBack = &run
			if v.WriteBackEvidence, err = s.store.RunEvidence(ctx, run.ID); err != nil {
				return v, fmt.Errorf("orchestrator: view task %d: %w", id, err)
			}
		}
	}
	return v, nil
}
