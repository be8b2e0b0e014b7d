package orchestrator

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// The ledger is one append-only Merkle tree (RFC 6962 hashing, as in the
// Go checksum database: golang.org/x/mod/sumdb/tlog) over every audit
// entry, every item history entry and every evidence record, in the order
// they were committed. Each leaf is the hash of a record's canonical
// encoding (its LeafData), appended in the transaction that stores the
// record. A signed checkpoint (size and root hash) fixes every record
// before it: editing, removing or re-hashing any of them changes the root.

// Ledger leaf kinds: which table a leaf's record lives in.
const (
	LeafAudit    = "audit"
	LeafHistory  = "history"
	LeafEvidence = "evidence"
)

// LedgerLeaf names the record behind one leaf: its kind and its id (an
// audit entry's Seq, a history entry's or evidence record's ID).
type LedgerLeaf struct {
	Kind string
	Ref  int64
}

func (l LedgerLeaf) String() string { return leafNoun(l.Kind) + " " + strconv.FormatInt(l.Ref, 10) }

func leafNoun(kind string) string {
	switch kind {
	case LeafAudit:
		return "audit entry"
	case LeafHistory:
		return "item history entry"
	case LeafEvidence:
		return "evidence record"
	}
	return kind
}

// LedgerEntry is one leaf as a verifier reads it back: the leaf hash the
// database stores and the canonical encoding of the record as it is now
// (nil when the record is gone).
type LedgerEntry struct {
	N      int64 // leaf index, from 0
	Leaf   LedgerLeaf
	Stored tlog.Hash
	Data   []byte
}

// ItemDataState is a work item's data as stored, with the data hash of
// its last history entry (which the ledger holds).
type ItemDataState struct {
	ItemID     int64
	Data       []byte
	DataHash   string // the item's data_hash column
	LoggedHash string // the data hash its last history entry recorded
	HistoryID  int64  // that entry
}

// LedgerStore reads the ledger a Store keeps. Appends happen inside the
// Store's own writes.
type LedgerStore interface {
	// LedgerTree is the tree's size and root hash from the stored hashes.
	LedgerTree(ctx context.Context) (tlog.Tree, error)
	// ReadHashes reads stored hashes by tlog.StoredHashIndex (a
	// tlog.HashReader).
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// LedgerEntries lists leaves with index >= from, in order.
	LedgerEntries(ctx context.Context, from int64, limit int) ([]LedgerEntry, error)
	// LeafIndex is the index of a record's leaf; ErrNotFound if it has none.
	LeafIndex(ctx context.Context, leaf LedgerLeaf) (int64, error)
	// UnloggedRecord finds a record that has no leaf (added behind the
	// store's back); ok false when every record is logged.
	UnloggedRecord(ctx context.Context) (leaf LedgerLeaf, ok bool, err error)
	// ItemDataStates lists items with ID > afterID in ID order.
	ItemDataStates(ctx context.Context, afterID int64, limit int) ([]ItemDataState, error)
	// MissingItem finds an item that history entries name but that is
	// gone; ok false when there is none.
	MissingItem(ctx context.Context) (itemID int64, ok bool, err error)
}

// LedgerHashReader adapts a LedgerStore to tlog.HashReader under ctx.
func LedgerHashReader(ctx context.Context, st LedgerStore) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) { return st.ReadHashes(ctx, indexes) })
}

// leafData is the canonical encoding of a record: a version tag, the kind,
// then each field length-prefixed so no two field lists encode alike.
func leafData(kind string, fields ...string) []byte {
	var b strings.Builder
	b.WriteString("docket-leaf/1\n")
	for _, f := range append([]string{kind}, fields...) {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	return []byte(b.String())
}

// LeafData is the entry's canonical encoding in the ledger: its content,
// not its chain links (the ledger replaces what they prove).
func (a AuditEntry) LeafData() []byte {
	return leafData(LeafAudit, strconv.FormatInt(a.Seq, 10), chainTime(a.At), a.Actor, a.Action, a.Subject, a.Detail)
}

// LeafData is the record's canonical encoding in the ledger.
func (e Evidence) LeafData() []byte {
	return leafData(LeafEvidence, strconv.FormatInt(e.ID, 10), e.SHA256, e.Kind, e.MediaType,
		strconv.FormatInt(e.Size, 10), e.URL, e.Bot, e.RunID, e.ItemRef, e.SelectorVersion, chainTime(e.CapturedAt))
}

// LeafData is the entry's canonical encoding in the ledger; the changes
// are re-encoded, so only their meaning counts, not their spacing.
func (h HistoryEntry) LeafData() []byte {
	changes := h.Changes
	if changes == nil {
		changes = []FieldChange{}
	}
	enc, _ := json.Marshal(changes) // a slice of string fields always marshals
	return leafData(LeafHistory, strconv.FormatInt(h.ID, 10), strconv.FormatInt(h.ItemID, 10), chainTime(h.At),
		h.Actor, h.Action, h.Reason, string(enc), h.DataHash)
}
