package orchestrator

import (
	"context"
	"time"
)

// Outbox job kinds.
const (
	// JobWriteBack runs a resolved task's write-back; the payload is a
	// WriteBackRequest.
	JobWriteBack = "writeback"
	// JobBotRun runs a bot; the payload is a BotRunJob.
	JobBotRun = "bot_run"
)

// OutboxMessage is a job the queue must run because of a change in the
// store. It is written in the same transaction as that change, so a
// committed change never lacks its job, and a dispatcher hands it to the
// queue afterwards. Its payload carries ids only, never portal data.
type OutboxMessage struct {
	// Key is the job's deterministic id (the queue's task id): writing the
	// same key twice keeps the first message, and the queue refuses a
	// second job with it.
	Key     string
	Kind    string // JobWriteBack, JobBotRun
	Payload []byte // JSON
	// CreatedAt is when the change committed; NextAt when a dispatcher may
	// next try it; SentAt when the queue took it (zero until then).
	CreatedAt, NextAt, SentAt time.Time
	Attempts                  int    // dispatch attempts so far
	LastError                 string // why the last attempt failed
}

// BotRunJob is the payload of a JobBotRun message.
type BotRunJob struct {
	Bot   string `json:"bot"`
	RunID string `json:"run_id"`
	Slot  string `json:"slot"`
}

// OutboxStats describe the messages not yet sent.
type OutboxStats struct {
	Unsent int
	// OldestUnsent is the creation time of the oldest unsent message; zero
	// when there is none.
	OldestUnsent time.Time
}

// OutboxStore is the part of the Store behind the outbox.
type OutboxStore interface {
	// CreateRunJob records r unless a run with its ID exists and adds m
	// unless a message with its Key exists, in one transaction; it returns
	// the stored run and whether it was created.
	CreateRunJob(ctx context.Context, r Run, m OutboxMessage) (Run, bool, error)
	// ClaimOutbox takes up to limit unsent messages whose NextAt has come,
	// oldest first, moves their NextAt to until (the lease, so another
	// dispatcher skips them meanwhile) and counts the attempt. Two
	// dispatchers claiming at once never get the same message.
	ClaimOutbox(ctx context.Context, now, until time.Time, limit int) ([]OutboxMessage, error)
	// OutboxSent marks the message sent.
	OutboxSent(ctx context.Context, key string, at time.Time) error
	// OutboxFailed records why sending failed and when to try again.
	OutboxFailed(ctx context.Context, key, reason string, retryAt time.Time) error
	// OutboxMessage returns one message by key.
	OutboxMessage(ctx context.Context, key string) (OutboxMessage, error)
	// OutboxStats counts the unsent messages.
	OutboxStats(ctx context.Context) (OutboxStats, error)
	// PruneOutbox deletes up to limit messages sent before before, oldest
	// first, and returns how many it deleted. An unsent message is never
	// deleted.
	PruneOutbox(ctx context.Context, before time.Time, limit int) (int, error)
}
