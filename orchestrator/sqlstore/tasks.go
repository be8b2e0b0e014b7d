package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

const taskColumns = `id, item_id, queue, reason, status, assignee, outcome, created_at, due_at, updated_at, version,
	priority, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state, escalation, escalated_to,
	escalate_at, assigned_at, assigned_by, completed_at, completed_by, resolution, writeback_run_id, payer, updated_by, action_error`

// CreateTask opens a human task unless an open one (any status but
// completed) exists for the same item and reason; it returns the stored
// task and whether it was created. A unique partial index makes the check
// hold under concurrency. ItemID 0 means the task is about no item. The
// task's Payer is read from its item's data in the same transaction, and
// a created task gets a "task.opened" audit entry there too.
func (s *Store) CreateTask(ctx context.Context, t orchestrator.HumanTask) (orchestrator.HumanTask, bool, error) {
	if t.Queue == "" || t.Reason == "" {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task: %w: task needs a queue and a reason", orchestrator.ErrInvalid)
	}
	if t.Status == "" {
		t.Status = orchestrator.TaskUnassigned
	}
	if t.Status == orchestrator.TaskCompleted {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task: %w: a new task cannot be completed", orchestrator.ErrInvalid)
	}
	if t.Priority == "" {
		t.Priority = orchestrator.PriorityNormal
	}
	if t.Priority.Rank() == 0 {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task: %w: priority %q", orchestrator.ErrInvalid, t.Priority)
	}
	if t.SLAState == "" {
		t.SLAState = orchestrator.SLAOnTrack
	}
	created := s.orNow(t.CreatedAt)
	var (
		task  orchestrator.HumanTask
		isNew bool
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		payer, err := s.itemPayerTx(ctx, tx, t.ItemID)
		if err != nil {
			return err
		}
		task, err = scanTask(tx.QueryRowContext(ctx, s.d.q(`INSERT INTO human_tasks
				(item_id, queue, reason, status, assignee, outcome, created_at, due_at, updated_at, version,
				 priority, priority_rank, item_ref, item_key, item_data_hash, detail, clock_start, at_risk_at, sla_state,
				 escalation, escalated_to, escalate_at, assigned_at, assigned_by, payer)
			VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (item_id, reason) WHERE status <> 'completed' DO NOTHING
			RETURNING `+taskColumns),
			t.ItemID, t.Queue, t.Reason, string(t.Status), t.Assignee,
			s.d.ts(created), s.d.nullTS(t.DueAt), s.d.ts(created),
			string(t.Priority), t.Priority.Rank(), t.ItemRef, t.ItemKey, t.ItemDataHash, t.Detail,
			s.d.nullTS(t.ClockStart), s.d.nullTS(t.AtRiskAt), string(t.SLAState),
			t.Escalation, t.EscalatedTo, s.d.nullTS(t.EscalateAt), s.d.nullTS(t.AssignedAt), t.AssignedBy, payer))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		isNew = true
		if err := s.notePayerTx(ctx, tx, payer); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s in %s, priority %s", t.Reason, t.Queue, t.Priority)
		if !task.DueAt.IsZero() {
			detail += ", due " + task.DueAt.Format("2006-01-02T15:04Z07:00")
		}
		_, err = s.appendAuditTx(ctx, tx, orchestrator.AuditEntry{
			At: created, Actor: orchestrator.ActorSystem, Action: "task.opened",
			Subject: orchestrator.AuditSubjectTask(task.ItemID, task.ID), Detail: detail,
		})
		return err
	})
	if err != nil {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task for item %d (%s): %w", t.ItemID, t.Reason, translate(err))
	}
	if isNew {
		return task, true, nil
	}
	open, err := s.tasks(ctx, `WHERE item_id = ? AND reason = ? AND status <> 'completed'`, t.ItemID, t.Reason)
	if err != nil {
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task for item %d (%s): %w", t.ItemID, t.Reason, err)
	}
	if len(open) == 0 {
		// The open task was completed between the insert and the read.
		return orchestrator.HumanTask{}, false, fmt.Errorf("sqlstore: create task for item %d (%s): %w", t.ItemID, t.Reason, orchestrator.ErrConflict)
	}
	return open[0], false, nil
}

// notePayerTx adds a payer a task carries to task_payers, the list the
// payer filter matches against.
func (s *Store) notePayerTx(ctx context.Context, tx *sql.Tx, payer string) error {
	if payer == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO task_payers (payer) VALUES (?) ON CONFLICT (payer) DO NOTHING`), payer)
	return err
}

// itemPayerTx is the payer of item id's data ("" for no item).
func (s *Store) itemPayerTx(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	var data string
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT data FROM work_items WHERE id = ?`), id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // a task may name an item this store does not hold
	}
	if err != nil {
		return "", err
	}
	return orchestrator.ItemPayer(json.RawMessage(data)), nil
}

func (s *Store) tasks(ctx context.Context, where string, args ...any) ([]orchestrator.HumanTask, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+taskColumns+` FROM human_tasks `+where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tasks []orchestrator.HumanTask
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, t)
	}
	return tasks, rows.Err()
}

func scanTask(r rowScanner) (orchestrator.HumanTask, error) {
	var (
		t                          orchestrator.HumanTask
		status, priority, slaState string
	)
	err := r.Scan(&t.ID, &t.ItemID, &t.Queue, &t.Reason, &status, &t.Assignee, &t.Outcome,
		timeScan{&t.CreatedAt}, timeScan{&t.DueAt}, timeScan{&t.UpdatedAt}, &t.Version,
		&priority, &t.ItemRef, &t.ItemKey, &t.ItemDataHash, &t.Detail, timeScan{&t.ClockStart}, timeScan{&t.AtRiskAt}, &slaState,
		&t.Escalation, &t.EscalatedTo, timeScan{&t.EscalateAt}, timeScan{&t.AssignedAt}, &t.AssignedBy,
		timeScan{&t.CompletedAt}, &t.CompletedBy, &t.Resolution, &t.WriteBackRunID, &t.Payer, &t.UpdatedBy, &t.ActionError)
	t.Status, t.Priority, t.SLAState = orchestrator.TaskStatus(status), orchestrator.Priority(priority), orchestrator.SLAState(slaState)
	return t, err
}

func int64sAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
