package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

// AuditSearch lists the entries q matches, newest first. The object is
// matched on the subject's path segments ("item:5/task:32" holds
// "item:5" and "task:32"), so a task's entries are found by "task:32"
// although they are filed under their item.
func (s *Store) AuditSearch(ctx context.Context, q orchestrator.AuditQuery) ([]orchestrator.AuditEntry, error) {
	var w where
	if q.Actor != "" {
		if strings.Contains(q.Actor, ":") || q.Actor == orchestrator.ActorSystem {
			w.add(`actor = ?`, q.Actor)
		} else {
			w.add(`(actor = ? OR actor = ?)`, q.Actor, orchestrator.UserActor(q.Actor))
		}
	}
	if q.Action != "" {
		if strings.HasSuffix(q.Action, ".") {
			lo, hi := prefixRange(q.Action)
			w.add(`action`+s.d.byteOrder+` >= ? AND action`+s.d.byteOrder+` < ?`, lo, hi)
		} else {
			w.add(`action = ?`, q.Action)
		}
	}
	if q.Object != "" {
		find := "instr"
		if s.d.name == "postgres" {
			find = "strpos"
		}
		// Wrapped in slashes, a segment match is a plain substring test:
		// no character of the object has a special meaning.
		if strings.HasSuffix(q.Object, ":") {
			w.add(find+`('/' || subject, ?) > 0`, "/"+q.Object)
		} else {
			w.add(find+`('/' || subject || '/', ?) > 0`, "/"+q.Object+"/")
		}
	}
	if !q.From.IsZero() {
		w.add(`at >= ?`, s.d.ts(q.From))
	}
	if !q.Until.IsZero() {
		w.add(`at < ?`, s.d.ts(q.Until))
	}
	if q.BeforeSeq > 0 {
		w.add(`seq < ?`, q.BeforeSeq)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = listLimitDefault
	}
	entries, err := s.auditQuery(ctx, w.sql()+` ORDER BY seq DESC LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: audit search: %w", translate(err))
	}
	return entries, nil
}

// TaskFacets lists the reasons of open tasks and the payers tasks carry.
// The reasons are read by skipping from one to the next through the
// open-task reason index (one index probe per reason, however many tasks
// share it), so the inbox can offer them on every page.
func (s *Store) TaskFacets(ctx context.Context, limit int) (orchestrator.TaskFacets, error) {
	if limit <= 0 {
		limit = listLimitDefault
	}
	var f orchestrator.TaskFacets
	var err error
	f.Reasons, err = s.strings(ctx, `WITH RECURSIVE r(reason) AS (
		SELECT min(reason) FROM human_tasks WHERE status <> 'completed'
		UNION ALL
		SELECT (SELECT min(h.reason) FROM human_tasks h WHERE h.status <> 'completed' AND h.reason > r.reason)
		FROM r WHERE r.reason IS NOT NULL)
		SELECT reason FROM r WHERE reason IS NOT NULL AND reason <> '' LIMIT ?`, limit)
	if err != nil {
		return f, fmt.Errorf("sqlstore: task reasons: %w", translate(err))
	}
	f.Payers, err = s.strings(ctx, `SELECT payer FROM task_payers WHERE payer <> '' ORDER BY payer LIMIT ?`, limit)
	if err != nil {
		return f, fmt.Errorf("sqlstore: task payers: %w", translate(err))
	}
	return f, nil
}

// strings reads a one-column query.
func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
