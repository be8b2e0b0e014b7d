package bundle

import (
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// Format names the bundle layout version.
// Version 2 added ledger.json (inclusion proofs against a signed
// checkpoint) and manifest.sig.
const Format = "docket-evidence-bundle/2"

// File names in a bundle.
const (
	FileManifest = "manifest.json"
	FileChain    = "chain.json"
	FileAudit    = "audit.json"
	FileEvidence = "evidence.json"
	FileItems    = "items.json"
	FileHistory  = "history.json"
	FileTasks    = "tasks.json"
	FileLedger   = "ledger.json"
	// FileSignature signs the manifest's sha256 with the ledger key; like
	// the manifest, it is not listed in the manifest.
	FileSignature = "manifest.sig"
	DirContent    = "screenshots/"
)

// Manifest lists every file of the bundle but itself with its hash.
type Manifest struct {
	Format    string      `json:"format"`
	CreatedAt time.Time   `json:"created_at"`
	Scope     Scope       `json:"scope"`
	Files     []FileEntry `json:"files"`
}

// Scope is what a bundle covers: one item, or everything since a time.
type Scope struct {
	ItemID int64     `json:"item_id,omitempty"`
	Since  time.Time `json:"since,omitempty"`
}

// FileEntry is one file's hash and size.
type FileEntry struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Chain is the chain proof of the two hash chains.
type Chain struct {
	Audit    Segment `json:"audit"`
	Evidence Segment `json:"evidence"`
}

// Segment describes a contiguous run of records of one chain. PrevHash is
// the hash of the record before First ("" when First is the chain's
// start); Head is the chain's last hash when the bundle was made, to
// compare with `docket audit verify` later (a chain cut short after the
// export shows as a different head).
type Segment struct {
	First    int64   `json:"first"`
	Last     int64   `json:"last"`
	PrevHash string  `json:"prev_hash"`
	LastHash string  `json:"last_hash"`
	Head     int64   `json:"head"`
	HeadHash string  `json:"head_hash"`
	InScope  []int64 `json:"in_scope"` // records about the scope; the rest link them
}

// AuditEntry is an audit log entry as exported.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Subject  string    `json:"subject"`
	Detail   string    `json:"detail"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

func fromAudit(a orchestrator.AuditEntry) AuditEntry {
	return AuditEntry{a.Seq, a.At.UTC(), a.Actor, a.Action, a.Subject, a.Detail, a.PrevHash, a.Hash}
}

func (a AuditEntry) domain() orchestrator.AuditEntry {
	return orchestrator.AuditEntry{Seq: a.Seq, At: a.At, Actor: a.Actor, Action: a.Action, Subject: a.Subject,
		Detail: a.Detail, PrevHash: a.PrevHash, Hash: a.Hash}
}

// Evidence is an evidence record as exported.
type Evidence struct {
	ID              int64     `json:"id"`
	SHA256          string    `json:"sha256"`
	Kind            string    `json:"kind"`
	MediaType       string    `json:"media_type"`
	Size            int64     `json:"size"`
	URL             string    `json:"url"`
	Bot             string    `json:"bot"`
	RunID           string    `json:"run_id"`
	ItemRef         string    `json:"item_ref"`
	SelectorVersion string    `json:"selector_version"`
	CapturedAt      time.Time `json:"captured_at"`
	PrevHash        string    `json:"prev_hash"`
	Hash            string    `json:"hash"`
	File            string    `json:"file,omitempty"` // its content in the bundle, when in scope
}

func fromEvidence(e orchestrator.Evidence) Evidence {
	return Evidence{e.ID, e.SHA256, e.Kind, e.MediaType, e.Size, e.URL, e.Bot, e.RunID, e.ItemRef,
		e.SelectorVersion, e.CapturedAt.UTC(), e.PrevHash, e.Hash, ""}
}

func (e Evidence) domain() orchestrator.Evidence {
	return orchestrator.Evidence{ID: e.ID, SHA256: e.SHA256, Kind: e.Kind, MediaType: e.MediaType, Size: e.Size,
		URL: e.URL, Bot: e.Bot, RunID: e.RunID, ItemRef: e.ItemRef, SelectorVersion: e.SelectorVersion,
		CapturedAt: e.CapturedAt, PrevHash: e.PrevHash, Hash: e.Hash}
}

// History is one item history entry as exported.
type History struct {
	ID       int64                      `json:"id"`
	ItemID   int64                      `json:"item_id"`
	At       time.Time                  `json:"at"`
	Actor    string                     `json:"actor"`
	Action   string                     `json:"action"`
	Reason   string                     `json:"reason,omitempty"`
	Changes  []orchestrator.FieldChange `json:"changes,omitempty"`
	DataHash string                     `json:"data_hash"`
}

func (h History) domain() orchestrator.HistoryEntry {
	return orchestrator.HistoryEntry{ID: h.ID, ItemID: h.ItemID, At: h.At, Actor: h.Actor, Action: h.Action,
		Reason: h.Reason, Changes: h.Changes, DataHash: h.DataHash}
}

// Task is a human task with its comments as exported.
type Task struct {
	Task     orchestrator.HumanTask     `json:"task"`
	Comments []orchestrator.TaskComment `json:"comments,omitempty"`
}
