package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/inbox"
)

// The records of docket get -o json. Their snake_case names are a contract
// scripts read; times are RFC 3339 in UTC and left out when unset. They
// carry what staff see in the inbox lists, never a work item's data.

// botView is a bot with its last run.
type botView struct {
	Name          string    `json:"name"`
	Kind          string    `json:"kind"`
	Portal        string    `json:"portal"`
	Schedule      string    `json:"schedule"`
	Timezone      string    `json:"timezone"`
	Enabled       bool      `json:"enabled"`
	LastRunID     string    `json:"last_run_id"`
	LastRunStatus string    `json:"last_run_status"`
	LastRunAt     time.Time `json:"last_run_at,omitzero"`
}

// taskView is a human task.
type taskView struct {
	ID        int64     `json:"id"`
	ItemID    int64     `json:"item_id"`
	Queue     string    `json:"queue"`
	Reason    string    `json:"reason"`
	Status    string    `json:"status"`
	Priority  string    `json:"priority"`
	Assignee  string    `json:"assignee"`
	SLAState  string    `json:"sla_state"`
	CreatedAt time.Time `json:"created_at"`
	DueAt     time.Time `json:"due_at,omitzero"`
}

// itemView is a work item without its data.
type itemView struct {
	ID        int64     `json:"id"`
	Portal    string    `json:"portal"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	Queue     string    `json:"queue"`
	Priority  string    `json:"priority"`
	DueAt     time.Time `json:"due_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at"`
}

func getBots(ctx context.Context, st orchestrator.Store, o getOptions) (listing, error) {
	bots, err := st.Bots(ctx)
	if err != nil {
		return listing{}, err
	}
	views := []botView{}
	l := listing{header: []string{"NAME", "KIND", "PORTAL", "SCHEDULE", "ENABLED", "LAST RUN", "AT"}}
	for _, b := range bots {
		if o.bot != "" && b.Name != o.bot {
			continue
		}
		if len(views) == o.limit {
			break
		}
		v := botView{Name: b.Name, Kind: b.Kind, Portal: b.Portal, Schedule: b.Schedule, Timezone: b.Timezone, Enabled: b.Enabled}
		runs, err := st.Runs(ctx, b.Name, 1)
		if err != nil {
			return listing{}, err
		}
		if len(runs) > 0 {
			v.LastRunID, v.LastRunStatus, v.LastRunAt = runs[0].ID, string(runs[0].Status), utc(runs[0].QueuedAt)
		}
		views = append(views, v)
		sched := b.Schedule
		if sched == "" {
			sched = "manual"
		} else {
			sched += " " + b.Timezone
		}
		l.rows = append(l.rows, []string{cell(v.Name, 32), cell(v.Kind, 20), cell(v.Portal, 24), cell(sched, 32),
			strconv.FormatBool(v.Enabled), cell(v.LastRunStatus, 10), when(v.LastRunAt)})
	}
	if o.bot != "" && len(views) == 0 {
		return listing{}, usageError{fmt.Errorf("no bot %q in the database", o.bot)}
	}
	l.records = views
	return l, nil
}

func getRuns(ctx context.Context, st orchestrator.Store, o getOptions) (listing, error) {
	if err := oneOf("status", o.status, "queued", "running", "retrying", "succeeded", "failed"); err != nil {
		return listing{}, err
	}
	// The store filters by bot only; a status filter reads further back.
	fetch := o.limit
	if o.status != "" {
		fetch = 10 * o.limit
	}
	runs, err := st.Runs(ctx, o.bot, fetch)
	if err != nil {
		return listing{}, err
	}
	views := []inbox.RunJSON{}
	l := listing{header: []string{"ID", "BOT", "STATUS", "ATTEMPTS", "RECORDS", "QUEUED", "TOOK", "ERROR"}}
	for _, r := range runs {
		if (o.status != "" && string(r.Status) != o.status) || len(views) == o.limit {
			continue
		}
		v := inbox.NewRunJSON(r)
		v.Error = failureText(r.Error)
		views = append(views, v)
		took := "-"
		if d := r.Duration(); d > 0 {
			took = d.Round(100 * time.Millisecond).String()
		}
		l.rows = append(l.rows, []string{cell(r.ID, 48), cell(r.Bot, 24), string(r.Status), strconv.Itoa(r.Attempts),
			strconv.Itoa(r.Records), when(r.QueuedAt), took, cell(orchestrator.RunErrorWords(o.bots[r.Bot], r.Error), 60)})
	}
	l.records = views
	return l, nil
}

func getTasks(ctx context.Context, st orchestrator.Store, o getOptions) (listing, error) {
	if err := oneOf("status", o.status, "open", "unassigned", "assigned", "escalated", "completed"); err != nil {
		return listing{}, err
	}
	f := orchestrator.TaskFilter{Queue: o.queue, Limit: o.limit}
	if o.status == "open" {
		f.Open = true
	} else {
		f.Status = orchestrator.TaskStatus(o.status)
	}
	ts, err := st.Tasks(ctx, f)
	if err != nil {
		return listing{}, err
	}
	views := []taskView{}
	l := listing{header: []string{"ID", "ITEM", "QUEUE", "REASON", "STATUS", "PRIORITY", "ASSIGNEE", "SLA", "DUE"}}
	for _, t := range ts {
		views = append(views, taskView{ID: t.ID, ItemID: t.ItemID, Queue: t.Queue, Reason: t.Reason, Status: string(t.Status),
			Priority: string(t.Priority), Assignee: t.Assignee, SLAState: string(t.SLAState), CreatedAt: utc(t.CreatedAt), DueAt: utc(t.DueAt)})
		item := "-"
		if t.ItemID != 0 {
			item = strconv.FormatInt(t.ItemID, 10)
		}
		l.rows = append(l.rows, []string{strconv.FormatInt(t.ID, 10), item, cell(t.Queue, 20), cell(t.Reason, 32), string(t.Status),
			string(t.Priority), cell(t.Assignee, 20), cell(string(t.SLAState), 10), when(t.DueAt)})
	}
	l.records = views
	return l, nil
}

func getItems(ctx context.Context, st orchestrator.Store, o getOptions) (listing, error) {
	if err := oneOf("status", o.status, "new", "in_progress", "successful", "failed", "abandoned"); err != nil {
		return listing{}, err
	}
	items, err := st.Items(ctx, orchestrator.ItemFilter{Queue: o.queue, Status: orchestrator.ItemStatus(o.status), Limit: o.limit})
	if err != nil && !errors.Is(err, orchestrator.ErrNotFound) {
		return listing{}, err
	}
	views := []itemView{}
	l := listing{header: []string{"ID", "PORTAL", "KIND", "STATUS", "QUEUE", "PRIORITY", "DUE", "UPDATED"}}
	for _, it := range items {
		views = append(views, itemView{ID: it.ID, Portal: it.Portal, Kind: string(it.Kind), Status: string(it.Status), Queue: it.Queue,
			Priority: string(it.Priority), DueAt: utc(it.DueAt), UpdatedAt: utc(it.UpdatedAt)})
		l.rows = append(l.rows, []string{strconv.FormatInt(it.ID, 10), cell(it.Portal, 24), string(it.Kind), string(it.Status),
			cell(it.Queue, 20), string(it.Priority), when(it.DueAt), when(it.UpdatedAt)})
	}
	l.records = views
	return l, nil
}

// utc is t in UTC; the zero time stays zero (and is left out of JSON).
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
