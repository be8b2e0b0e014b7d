package orchestrator

import (
	"context"
	"strconv"
	"time"
)

// Evidence kinds.
const (
	EvidenceScreenshot = "screenshot"
	EvidenceDOM        = "dom"
)

// Evidence is the record of one captured artefact. The bytes live in blob
// storage under their sha256; the record is chained to the one before it
// so any gap, edit or reordering shows.
type Evidence struct {
	ID              int64
	SHA256          string // of the content, hex; also its blob key
	Kind            string
	MediaType       string
	Size            int64
	URL             string // the portal page it shows
	Bot             string
	RunID           string
	ItemRef         string // external id of the item it concerns, if any
	SelectorVersion string
	CapturedAt      time.Time
	PrevHash        string // Hash of the previous record ("" for the first)
	Hash            string // chain hash of this record
}

// ChainHash computes the record's hash from its fields and PrevHash.
func (e Evidence) ChainHash() string {
	return chainHash(e.PrevHash, strconv.FormatInt(e.ID, 10), e.SHA256, e.Kind, e.MediaType,
		strconv.FormatInt(e.Size, 10), e.URL, e.Bot, e.RunID, e.ItemRef, e.SelectorVersion,
		chainTime(e.CapturedAt))
}

// Why an artefact was captured. An evidence policy of "exceptions" keeps
// every capture but the routine screenshots of pages read.
const (
	PurposeRead    = "read"    // a page the bot read (the default)
	PurposeFailure = "failure" // the screen at a failure point
	PurposeBefore  = "before"  // before a portal action
	PurposeAfter   = "after"   // after a portal action
)

// Evidence policies: which screenshots a bot keeps.
const (
	EvidenceAll        = "all"
	EvidenceExceptions = "exceptions"
)

// KeepsScreenshot reports whether a bot whose evidence policy is policy
// keeps a screenshot captured for purpose: "exceptions" drops the routine
// screenshots of pages read; failures and before/after shots are always
// kept.
func KeepsScreenshot(policy, purpose string) bool {
	return policy != EvidenceExceptions || (purpose != "" && purpose != PurposeRead)
}

// EvidenceCapture is a captured artefact before it is stored.
type EvidenceCapture struct {
	Purpose         string // PurposeRead when empty
	Kind            string
	MediaType       string
	Content         []byte
	URL             string
	Bot             string
	RunID           string
	ItemRef         string
	SelectorVersion string
	CapturedAt      time.Time
}

// EvidenceStore keeps evidence content and records. Put is idempotent: the
// same content captured for the same run and URL yields the same record.
type EvidenceStore interface {
	Put(ctx context.Context, c EvidenceCapture) (Evidence, error)
	// Open returns the content of a stored record after checking its hash.
	Open(ctx context.Context, e Evidence) ([]byte, error)
}

// EvidenceStager is an EvidenceStore that can store content without
// recording it, so a recorder appends the records of many captures in one
// transaction (BatchStore.RecordBatch). Stage returns the record to append
// (ID 0, not chained).
type EvidenceStager interface {
	Stage(ctx context.Context, c EvidenceCapture) (Evidence, error)
}
