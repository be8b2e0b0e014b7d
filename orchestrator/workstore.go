package orchestrator

import (
	"context"
	"time"
)

// WorkStore is the part of the Store behind work item lifecycles, human
// tasks and audit exports. Every write that changes a record checks the
// version the caller read (ErrConflict when stale) and appends its audit
// entry in the same transaction, so the audit log never misses a change
// that happened nor records one that did not.
type WorkStore interface {
	// UpdateItem writes u.State if the item is still at u.Version, bumps
	// the version, appends a history entry (u.Actor, u.Action, u.Reason,
	// Changes = the lifecycle fields that differ) and an audit entry
	// ("item."+u.Action on AuditSubjectItem). A stale version, or a
	// reference another item of the queue holds, gives ErrConflict.
	UpdateItem(ctx context.Context, u ItemUpdate) (WorkItem, error)
	// BulkUpsertItems upserts many observations like UpsertItem, in one
	// transaction, results in input order. The same (portal, external id)
	// twice in one call is ErrInvalid.
	BulkUpsertItems(ctx context.Context, us []ItemUpsert) ([]UpsertResult, error)
	// ExpiredLeases lists InProgress items whose lease ended before now,
	// oldest lease first.
	ExpiredLeases(ctx context.Context, now time.Time, limit int) ([]WorkItem, error)
	// PastDeadline lists New or InProgress items whose DueAt is before
	// now, earliest first.
	PastDeadline(ctx context.Context, now time.Time, limit int) ([]WorkItem, error)

	// Task returns one human task.
	Task(ctx context.Context, id int64) (HumanTask, error)
	// UpdateTask writes u.Task if the stored task is still at
	// u.Task.Version, bumps the version, records u.Actor as UpdatedBy and
	// appends the audit entry (on AuditSubjectTask) and, when u.History is
	// set and the task is about an item, the item's history entry, in one
	// transaction. Stale version: ErrConflict.
	UpdateTask(ctx context.Context, u TaskUpdate) (HumanTask, error)
	// CountTasks counts the tasks f matches, ignoring its sort and page,
	// stopping at upTo (0: count all): a page needs to know whether there
	// are "more than upTo", not how many more.
	CountTasks(ctx context.Context, f TaskFilter, upTo int) (int, error)
	// CountOpenTasks counts open tasks by assignee within a queue ("" for
	// the unassigned), for least-loaded assignment.
	CountOpenTasks(ctx context.Context, queue string) (map[string]int, error)
	// SLADue lists open tasks whose clock moved at now: on track past
	// AtRiskAt, or not yet breached past DueAt; earliest first.
	SLADue(ctx context.Context, now time.Time, limit int) ([]HumanTask, error)
	// NextInTurn advances the named counter and returns its new value (1,
	// 2, …), atomically: round-robin assignment across processes.
	NextInTurn(ctx context.Context, name string) (int64, error)
	// AddComment stores a comment and its audit entry and, for a task
	// about an item, the item's history entry (neither holds the body).
	AddComment(ctx context.Context, c TaskComment) (TaskComment, error)
	// Comments lists a task's comments, oldest first.
	Comments(ctx context.Context, taskID int64) ([]TaskComment, error)

	// AuditFor lists the entries on subject or under it (subject + "/…"),
	// or every entry when subject is "", with At >= since, in Seq order.
	AuditFor(ctx context.Context, subject string, since time.Time, limit int) ([]AuditEntry, error)
	// AuditSearch lists the entries q matches, newest first.
	AuditSearch(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
	// TaskFacets lists the reasons of open tasks and the payers tasks
	// carry (at most limit of each), cheaply enough for every inbox page.
	TaskFacets(ctx context.Context, limit int) (TaskFacets, error)
	// EvidenceFor lists evidence records about an item (ItemRef =
	// externalID) or captured by one of runIDs, in ID order.
	EvidenceFor(ctx context.Context, externalID string, runIDs []string) ([]Evidence, error)
	// EvidenceSince lists records captured at or after since, in ID order.
	EvidenceSince(ctx context.Context, since time.Time, limit int) ([]Evidence, error)
}
