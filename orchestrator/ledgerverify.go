package orchestrator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// ledgerPage is how many leaves or items VerifyLedger reads at a time.
const ledgerPage = 1000

// LedgerError is the first thing a ledger check found wrong, in one line:
// what failed and where.
type LedgerError struct {
	Where   string // "leaf 12 (item history entry 7)", "item 42", "tree"
	Problem string
}

func (e *LedgerError) Error() string {
	return fmt.Sprintf("orchestrator: ledger: %s: %s", e.Where, e.Problem)
}

// LedgerReport is what VerifyLedger checked.
type LedgerReport struct {
	Tree       tlog.Tree // the database's tree, recomputed from its records
	Checkpoint tlog.Tree // the signed checkpoint it was checked against
	Items      int       // items whose data matched their last logged state
}

// VerifyLedger recomputes every leaf from the record it names, rebuilds
// the tree from those leaves (trusting no stored hash), and checks it
// against cp, the latest signed checkpoint: the first cp.N leaves must
// hash to cp's root, so an edited, removed, truncated or re-hashed record
// before the checkpoint fails. It then checks that every record has a
// leaf, and that every item's data hashes to the state its last logged
// history entry recorded. Records appended after cp are checked against
// the stored leaf hashes only.
func VerifyLedger(ctx context.Context, st LedgerStore, cp tlog.Tree) (LedgerReport, error) {
	rep := LedgerReport{Checkpoint: cp}
	stored, err := st.LedgerTree(ctx)
	if err != nil {
		return rep, fmt.Errorf("orchestrator: verify ledger: %w", err)
	}
	if stored.N < cp.N {
		return rep, &LedgerError{"tree", fmt.Sprintf("holds %d records, but the checkpoint signed at %d records covers more: %d removed from the end (truncated)", stored.N, cp.N, cp.N-stored.N)}
	}
	mem := &memHashes{}
	for from := int64(0); from < stored.N; {
		page, err := st.LedgerEntries(ctx, from, ledgerPage)
		if err != nil {
			return rep, fmt.Errorf("orchestrator: verify ledger: %w", err)
		}
		if len(page) == 0 {
			return rep, &LedgerError{fmt.Sprintf("leaf %d", from), fmt.Sprintf("missing: the tree has %d leaves but the list ends here", stored.N)}
		}
		for _, e := range page {
			where := fmt.Sprintf("leaf %d (%s)", e.N, e.Leaf)
			switch {
			case e.N != from:
				return rep, &LedgerError{fmt.Sprintf("leaf %d", from), fmt.Sprintf("missing: the next leaf is %d", e.N)}
			case e.Data == nil:
				return rep, &LedgerError{where, "the record is gone (deleted)"}
			}
			h := tlog.RecordHash(e.Data)
			if h != e.Stored {
				return rep, &LedgerError{where, "the record no longer hashes to its leaf (edited)"}
			}
			hashes, err := tlog.StoredHashesForRecordHash(e.N, h, mem)
			if err != nil {
				return rep, fmt.Errorf("orchestrator: verify ledger: %w", err)
			}
			mem.add(e.N, hashes)
			from++
			if from == cp.N {
				if err := checkRoot(mem, cp); err != nil {
					return rep, err
				}
			}
		}
	}
	if cp.N == 0 && cp.Hash != (tlog.Hash{}) {
		return rep, &LedgerError{"checkpoint", "an empty tree has no root hash"}
	}
	rep.Tree = tlog.Tree{N: stored.N}
	if stored.N > 0 {
		if rep.Tree.Hash, err = tlog.TreeHash(stored.N, mem); err != nil {
			return rep, fmt.Errorf("orchestrator: verify ledger: %w", err)
		}
	}
	if rep.Tree.Hash != stored.Hash {
		return rep, &LedgerError{"tree", "the stored interior hashes do not match the leaves (rewritten)"}
	}
	leaf, ok, err := st.UnloggedRecord(ctx)
	if err != nil {
		return rep, fmt.Errorf("orchestrator: verify ledger: %w", err)
	}
	if ok {
		return rep, &LedgerError{leaf.String(), "is not in the ledger (added behind the store's back)"}
	}
	if rep.Items, err = verifyItemData(ctx, st); err != nil {
		return rep, err
	}
	id, ok, err := st.MissingItem(ctx)
	if err != nil {
		return rep, fmt.Errorf("orchestrator: verify ledger: %w", err)
	}
	if ok {
		return rep, &LedgerError{fmt.Sprintf("item %d", id), "has logged history but is gone (deleted)"}
	}
	return rep, nil
}

// checkRoot compares the first cp.N leaves, as recomputed, with cp.
func checkRoot(mem *memHashes, cp tlog.Tree) error {
	root, err := tlog.TreeHash(cp.N, mem)
	if err != nil {
		return fmt.Errorf("orchestrator: verify ledger: %w", err)
	}
	if root != cp.Hash {
		return &LedgerError{fmt.Sprintf("leaves 0 to %d", cp.N-1), "do not hash to the signed checkpoint's root: records rewritten and re-hashed"}
	}
	return nil
}

func verifyItemData(ctx context.Context, st LedgerStore) (int, error) {
	n := 0
	for after := int64(0); ; {
		page, err := st.ItemDataStates(ctx, after, ledgerPage)
		if err != nil {
			return n, fmt.Errorf("orchestrator: verify ledger: %w", err)
		}
		if len(page) == 0 {
			return n, nil
		}
		for _, it := range page {
			where := fmt.Sprintf("item %d", it.ItemID)
			sum := sha256.Sum256(it.Data)
			switch got := hex.EncodeToString(sum[:]); {
			case it.HistoryID == 0:
				return n, &LedgerError{where, "has no history entry (its history was deleted)"}
			case got != it.DataHash:
				return n, &LedgerError{where, "its data does not hash to its data_hash (edited)"}
			case got != it.LoggedHash:
				return n, &LedgerError{where, fmt.Sprintf("its data is not the state its last logged history entry %d recorded (edited)", it.HistoryID)}
			}
			n++
			after = it.ItemID
		}
	}
}

// memHashes holds the stored hashes of a tree being rebuilt, by
// tlog.StoredHashIndex (dense from 0); it is a tlog.HashReader.
type memHashes struct{ h []tlog.Hash }

func (m *memHashes) add(n int64, hashes []tlog.Hash) {
	m.h = append(m.h[:tlog.StoredHashIndex(0, n)], hashes...)
}

func (m *memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.h)) {
			return nil, fmt.Errorf("orchestrator: ledger hash %d not computed", x)
		}
		out[i] = m.h[x]
	}
	return out, nil
}
