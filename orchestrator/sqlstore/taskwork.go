package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// Task returns one human task.
func (s *Store) Task(ctx context.Context, id int64) (orchestrator.HumanTask, error) {
	t, err := scanTask(s.db.QueryRowContext(ctx, s.d.q(`SELECT `+taskColumns+` FROM human_tasks WHERE id = ?`), id))
	if err != nil {
		return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: task %d: %w", id, translate(err))
	}
	return t, nil
}

// UpdateTask writes u.Task if the stored task is still at u.Task.Version,
// bumps the version, records u.Actor as its last changer and appends the
// audit entry and (u.History, for a task about an item) the item's history
// entry, in one transaction. The compare-and-set is in the UPDATE's WHERE
// clause, so of two writers that read the same version exactly one
// succeeds; the other gets ErrConflict and nothing of its change is kept.
func (s *Store) UpdateTask(ctx context.Context, u orchestrator.TaskUpdate) (orchestrator.HumanTask, error) {
	t := u.Task
	switch {
	case u.Actor == "" || u.Action == "":
		return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d: %w: change needs an actor and an action", t.ID, orchestrator.ErrInvalid)
	case t.Priority.Rank() == 0:
		return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d: %w: priority %q", t.ID, orchestrator.ErrInvalid, t.Priority)
	case t.Queue == "":
		return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d: %w: queue is empty", t.ID, orchestrator.ErrInvalid)
	}
	switch t.Status {
	case orchestrator.TaskUnassigned, orchestrator.TaskAssigned, orchestrator.TaskEscalated, orchestrator.TaskCompleted:
	default:
		return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d: %w: status %q", t.ID, orchestrator.ErrInvalid, t.Status)
	}
	for i := range u.Items {
		if u.Items[i].ItemID != t.ItemID || t.ItemID == 0 {
			return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d: %w: item change %d is not of the task's item", t.ID, orchestrator.ErrInvalid, i)
		}
		if err := validateState(u.Items[i]); err != nil {
			return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d: item %d: %w", t.ID, t.ItemID, err)
		}
		u.Items[i].At = s.orNow(u.Items[i].At)
	}
	for _, m := range u.Outbox {
		if err := validMessage(m); err != nil {
			return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d: %w", t.ID, err)
		}
	}
	at := s.orNow(u.At)
	var out orchestrator.HumanTask
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanTask(tx.QueryRowContext(ctx, s.d.q(`UPDATE human_tasks SET
				queue = ?, status = ?, assignee = ?, outcome = ?, due_at = ?, updated_at = ?, version = version + 1,
				priority = ?, priority_rank = ?, detail = ?, at_risk_at = ?, sla_state = ?, escalation = ?,
				escalated_to = ?, escalate_at = ?, assigned_at = ?, assigned_by = ?, completed_at = ?, completed_by = ?,
				resolution = ?, writeback_run_id = ?, updated_by = ?, action_error = ?
			WHERE id = ? AND version = ? RETURNING `+taskColumns),
			t.Queue, string(t.Status), t.Assignee, t.Outcome, s.d.nullTS(t.DueAt), s.d.ts(at),
			string(t.Priority), t.Priority.Rank(), t.Detail, s.d.nullTS(t.AtRiskAt), string(t.SLAState), t.Escalation,
			t.EscalatedTo, s.d.nullTS(t.EscalateAt), s.d.nullTS(t.AssignedAt), t.AssignedBy, s.d.nullTS(t.CompletedAt), t.CompletedBy,
			t.Resolution, t.WriteBackRunID, u.Actor, t.ActionError, t.ID, t.Version))
		if errors.Is(err, sql.ErrNoRows) {
			var exists int
			if err := tx.QueryRowContext(ctx, s.d.q(`SELECT 1 FROM human_tasks WHERE id = ?`), t.ID).Scan(&exists); err != nil {
				return err // ErrNoRows: the task does not exist
			}
			return fmt.Errorf("%w: task %d is no longer at version %d", orchestrator.ErrConflict, t.ID, t.Version)
		}
		if err != nil {
			return err
		}
		if u.History != "" {
			if err := s.taskHistoryTx(ctx, tx, out.ItemID, at, u.Actor, u.Action, u.History); err != nil {
				return err
			}
		}
		if _, err = s.appendAuditTx(ctx, tx, orchestrator.AuditEntry{
			At: at, Actor: u.Actor, Action: u.Action, Subject: orchestrator.AuditSubjectTask(out.ItemID, out.ID), Detail: u.Detail,
		}); err != nil {
			return err
		}
		for _, iu := range u.Items {
			if _, err := s.updateItemTx(ctx, tx, iu); err != nil {
				return fmt.Errorf("item %d (%s): %w", iu.ItemID, iu.Action, err)
			}
		}
		for _, m := range u.Outbox {
			if err := s.addOutboxTx(ctx, tx, m, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return orchestrator.HumanTask{}, fmt.Errorf("sqlstore: update task %d (%s): %w", t.ID, u.Action, translate(err))
	}
	return out, nil
}

// CountOpenTasks counts open tasks by assignee in queue ("" for the
// unassigned).
func (s *Store) CountOpenTasks(ctx context.Context, queue string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT assignee, COUNT(*) FROM human_tasks
		WHERE queue = ? AND status <> 'completed' GROUP BY assignee`), queue)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: count open tasks in %s: %w", queue, err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var (
			who string
			n   int
		)
		if err := rows.Scan(&who, &n); err != nil {
			return nil, fmt.Errorf("sqlstore: count open tasks in %s: %w", queue, err)
		}
		counts[who] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: count open tasks in %s: %w", queue, err)
	}
	return counts, nil
}

// SLADue lists open tasks whose clock passed a mark at now: on track past
// their at-risk time, not breached past their deadline, or past their next
// escalation step; earliest mark first. Each arm uses its own partial index.
func (s *Store) SLADue(ctx context.Context, now time.Time, limit int) ([]orchestrator.HumanTask, error) {
	n := s.d.ts(now)
	limit = orDefault(limit)
	tasks, err := s.tasks(ctx, `WHERE id IN (
			SELECT id FROM (SELECT id FROM human_tasks WHERE status <> 'completed' AND sla_state = 'on_track' AND at_risk_at <= ? ORDER BY at_risk_at LIMIT ?) r
			UNION SELECT id FROM (SELECT id FROM human_tasks WHERE status <> 'completed' AND sla_state <> 'breached' AND due_at <= ? ORDER BY due_at LIMIT ?) d
			UNION SELECT id FROM (SELECT id FROM human_tasks WHERE status <> 'completed' AND escalate_at IS NOT NULL AND escalate_at <= ? ORDER BY escalate_at LIMIT ?) e)
		ORDER BY id LIMIT ?`, n, limit, n, limit, n, limit, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tasks due for the SLA sweep: %w", err)
	}
	return tasks, nil
}

// NextInTurn advances the named counter and returns its new value.
func (s *Store) NextInTurn(ctx context.Context, name string) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, s.d.q(`INSERT INTO turn_counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = turn_counters.value + 1 RETURNING value`), name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: next in turn %s: %w", name, err)
	}
	return v, nil
}

// AddComment stores a comment, an audit entry saying one was made and, for
// a task about an item, the item's history entry (the body may hold PHI
// and stays out of both).
func (s *Store) AddComment(ctx context.Context, c orchestrator.TaskComment) (orchestrator.TaskComment, error) {
	if c.Author == "" || c.Body == "" {
		return orchestrator.TaskComment{}, fmt.Errorf("sqlstore: comment on task %d: %w: needs an author and text", c.TaskID, orchestrator.ErrInvalid)
	}
	c.At = s.orNow(c.At)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var itemID int64
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT item_id FROM human_tasks WHERE id = ?`), c.TaskID).Scan(&itemID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO task_comments (task_id, author, body, at)
			VALUES (?, ?, ?, ?) RETURNING id`), c.TaskID, c.Author, c.Body, s.d.ts(c.At)).Scan(&c.ID); err != nil {
			return err
		}
		reason := fmt.Sprintf("task %d commented (comment %d)", c.TaskID, c.ID)
		if err := s.taskHistoryTx(ctx, tx, itemID, c.At, orchestrator.UserActor(c.Author), "task.commented", reason); err != nil {
			return err
		}
		_, err := s.appendAuditTx(ctx, tx, orchestrator.AuditEntry{
			At: c.At, Actor: orchestrator.UserActor(c.Author), Action: "task.commented",
			Subject: orchestrator.AuditSubjectTask(itemID, c.TaskID), Detail: fmt.Sprintf("comment %d", c.ID),
		})
		return err
	})
	if err != nil {
		return orchestrator.TaskComment{}, fmt.Errorf("sqlstore: comment on task %d: %w", c.TaskID, translate(err))
	}
	return c, nil
}

// Comments lists a task's comments, oldest first.
func (s *Store) Comments(ctx context.Context, taskID int64) ([]orchestrator.TaskComment, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT id, task_id, author, body, at FROM task_comments
		WHERE task_id = ? ORDER BY id`), taskID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: comments on task %d: %w", taskID, err)
	}
	defer rows.Close()
	var out []orchestrator.TaskComment
	for rows.Next() {
		var c orchestrator.TaskComment
		if err := rows.Scan(&c.ID, &c.TaskID, &c.Author, &c.Body, timeScan{&c.At}); err != nil {
			return nil, fmt.Errorf("sqlstore: comments on task %d: %w", taskID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: comments on task %d: %w", taskID, err)
	}
	return out, nil
}

// taskHistoryTx appends a task step to its item's history (none for a task
// about no item), with the item's current data hash and no field changes.
func (s *Store) taskHistoryTx(ctx context.Context, tx *sql.Tx, itemID int64, at time.Time, actor, action, reason string) error {
	if itemID == 0 {
		return nil
	}
	h := orchestrator.HistoryEntry{ItemID: itemID, At: at, Actor: actor, Action: action, Reason: reason}
	// The data hash is the last logged one, not the item row's: a step
	// taken after someone edited work_items.data must not log the edit as
	// the item's state.
	err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO item_history (item_id, at, actor, action, reason, changes, data_hash)
		SELECT w.id, ?, ?, ?, ?, '[]', `+lastLoggedHash+` FROM work_items w WHERE w.id = ? RETURNING id, data_hash`),
		s.d.ts(at), actor, action, reason, itemID).Scan(&h.ID, &h.DataHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // no such item: nothing to record, as before
	}
	if err != nil {
		return fmt.Errorf("append item history: %w", err)
	}
	s.logHistory(tx, h)
	return nil
}
