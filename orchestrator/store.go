package orchestrator

import (
	"context"
	"time"
)

// Store is the system of record. Every write is idempotent on a natural
// key, so a task delivered twice leaves one record. Implementations return
// ErrNotFound for missing records and ErrConflict for lost races.
type Store interface {
	// UpsertBot creates or replaces a bot's definition by name.
	UpsertBot(ctx context.Context, b Bot) error
	Bot(ctx context.Context, name string) (Bot, error)
	Bots(ctx context.Context) ([]Bot, error)

	// CreateRun records a queued run unless one with its ID exists; it
	// returns the stored run and whether it was created.
	CreateRun(ctx context.Context, r Run) (Run, bool, error)
	Run(ctx context.Context, id string) (Run, error)
	// Runs lists runs, newest first; bot "" means every bot.
	Runs(ctx context.Context, bot string, limit int) ([]Run, error)
	// StartAttempt marks the run running on worker, counts the attempt and
	// resets the per-attempt counters (pages, records, unchanged,
	// screenshots); created and updated accumulate over attempts. A run
	// that has ended gives ErrConflict.
	StartAttempt(ctx context.Context, id, worker string, at time.Time) (Run, error)
	// ReportProgress stores the current attempt's counters; the run's
	// created and updated are those of earlier attempts plus these.
	ReportProgress(ctx context.Context, id string, p RunProgress) error
	// FinishAttempt records how an attempt ended: RunSucceeded or RunFailed
	// end the run (FinishedAt = at); RunRetrying leaves it open.
	FinishAttempt(ctx context.Context, id string, status RunStatus, errMsg string, at time.Time) error

	// UpsertItem inserts or updates the item keyed by (Portal, ExternalID)
	// and, when its data hash changed, appends one history entry with the
	// field changes, in one transaction. Unchanged data writes nothing but
	// the item's last run.
	UpsertItem(ctx context.Context, u ItemUpsert) (UpsertResult, error)
	Item(ctx context.Context, id int64) (WorkItem, error)
	ItemByRef(ctx context.Context, portal, externalID string) (WorkItem, error)
	Items(ctx context.Context, f ItemFilter) ([]WorkItem, error)
	// History lists an item's entries, oldest first.
	History(ctx context.Context, itemID int64) ([]HistoryEntry, error)
	CountItems(ctx context.Context) ([]ItemCount, error)

	// AppendEvidence assigns the record its ID, PrevHash and Hash and stores
	// it. A record with the same RunID, SHA256 and URL as a stored one is
	// not stored again; the stored one is returned.
	AppendEvidence(ctx context.Context, e Evidence) (Evidence, error)
	Evidence(ctx context.Context, id int64) (Evidence, error)
	// EvidenceChain lists records with ID > afterID in ID order.
	EvidenceChain(ctx context.Context, afterID int64, limit int) ([]Evidence, error)
	// RunEvidence lists a run's records in ID order.
	RunEvidence(ctx context.Context, runID string) ([]Evidence, error)

	// CreateTask opens a human task unless an open one exists for the same
	// item and reason; it returns the stored task and whether it was created.
	CreateTask(ctx context.Context, t HumanTask) (HumanTask, bool, error)
	Tasks(ctx context.Context, f TaskFilter) ([]HumanTask, error)

	// AppendAudit assigns the entry its Seq, PrevHash and Hash and stores it.
	AppendAudit(ctx context.Context, a AuditEntry) (AuditEntry, error)
	// AuditLog lists entries with Seq > afterSeq in order.
	AuditLog(ctx context.Context, afterSeq int64, limit int) ([]AuditEntry, error)

	// WorkStore: lifecycles, human tasks and audit exports.
	WorkStore
	// OutboxStore: jobs committed with the changes that ask for them.
	OutboxStore
	// BatchStore: a recorder's evidence records and items in one
	// transaction.
	BatchStore

	// Ping checks the database answers.
	Ping(ctx context.Context) error
	Close() error
}
