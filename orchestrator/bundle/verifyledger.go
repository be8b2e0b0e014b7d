package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// checkSignature reads ledger.json, picks the key (the pinned one, which
// the bundle's must be) and checks manifest.sig against the manifest's
// sha256: a manifest rewritten without the signing key fails here.
func checkSignature(rep *Report, files map[string]bundleFile, manifestSHA string, opts VerifyOptions) (Ledger, note.Verifier, error) {
	var l Ledger
	lf, ok := files[FileLedger]
	if !ok {
		return l, nil, &Problem{FileLedger, "missing"}
	}
	if err := json.Unmarshal(lf.data, &l); err != nil {
		return l, nil, &Problem{FileLedger, "not JSON: " + err.Error()}
	}
	key := l.VerifierKey
	if opts.VerifierKey != "" {
		if l.VerifierKey != opts.VerifierKey {
			return l, nil, &Problem{FileLedger, "signed with another key than the expected ledger key (re-signed)"}
		}
		rep.KeyPinned = true
	}
	v, err := note.NewVerifier(key)
	if err != nil {
		return l, nil, &Problem{FileLedger, "verifier key: " + err.Error()}
	}
	rep.Key = fmt.Sprintf("%s+%08x", v.Name(), v.KeyHash())
	sig, ok := files[FileSignature]
	if !ok {
		return l, nil, &Problem{FileSignature, "missing"}
	}
	sha, err := orchestrator.OpenManifestSignature(sig.data, v)
	if err != nil {
		return l, nil, &Problem{FileSignature, err.Error()}
	}
	if sha != manifestSHA {
		return l, nil, &Problem{FileManifest, fmt.Sprintf("sha256 %s is not the signed %s: rewritten", manifestSHA, sha)}
	}
	return l, v, nil
}

// checkProofs proves every audit entry, evidence record and history
// entry of the bundle in the checkpoint's tree, and that ledger.json
// proves nothing the bundle lacks.
func checkProofs(cp tlog.Tree, l Ledger, audit []AuditEntry, evidence []Evidence, history []History) (int, error) {
	proofs := make(map[orchestrator.LedgerLeaf]LeafProof, len(l.Leaves))
	for _, p := range l.Leaves {
		proofs[orchestrator.LedgerLeaf{Kind: p.Kind, Ref: p.Ref}] = p
	}
	type record struct {
		file string
		leaf orchestrator.LedgerLeaf
		data []byte
	}
	var recs []record
	for _, a := range audit {
		recs = append(recs, record{FileAudit, orchestrator.LedgerLeaf{Kind: orchestrator.LeafAudit, Ref: a.Seq}, a.domain().LeafData()})
	}
	for _, e := range evidence {
		recs = append(recs, record{FileEvidence, orchestrator.LedgerLeaf{Kind: orchestrator.LeafEvidence, Ref: e.ID}, e.domain().LeafData()})
	}
	for _, h := range history {
		recs = append(recs, record{FileHistory, orchestrator.LedgerLeaf{Kind: orchestrator.LeafHistory, Ref: h.ID}, h.domain().LeafData()})
	}
	for _, r := range recs {
		p, ok := proofs[r.leaf]
		if !ok {
			return 0, &Problem{r.file, fmt.Sprintf("%s has no inclusion proof in %s (added)", r.leaf, FileLedger)}
		}
		if err := tlog.CheckRecord(p.Proof, cp.N, cp.Hash, p.Index, tlog.RecordHash(r.data)); err != nil {
			return 0, &Problem{r.file, fmt.Sprintf("%s is not the record the signed ledger holds at leaf %d (edited)", r.leaf, p.Index)}
		}
		delete(proofs, r.leaf)
	}
	for leaf := range proofs {
		return 0, &Problem{FileLedger, fmt.Sprintf("proves %s, which the bundle lacks (removed)", leaf)}
	}
	return len(recs), nil
}

// checkItems checks each item's data against the data hash its last
// history entry in the bundle logged (the history is proven, the item row
// is not).
func checkItems(items []orchestrator.WorkItem, history []History) (int, error) {
	last := map[int64]History{}
	for _, h := range history {
		if h.ID > last[h.ItemID].ID {
			last[h.ItemID] = h
		}
	}
	for _, it := range items {
		// items.json is indented, and so is the data inside it.
		var data bytes.Buffer
		if err := json.Compact(&data, it.Data); err != nil {
			return 0, &Problem{FileItems, fmt.Sprintf("item %d: data is not JSON", it.ID)}
		}
		sum := sha256.Sum256(data.Bytes())
		h, ok := last[it.ID]
		switch got := hex.EncodeToString(sum[:]); {
		case !ok:
			return 0, &Problem{FileHistory, fmt.Sprintf("item %d has no history entry", it.ID)}
		case got != h.DataHash:
			return 0, &Problem{FileItems, fmt.Sprintf("item %d: data is not the state its last history entry %d logged (edited)", it.ID, h.ID)}
		}
	}
	return len(items), nil
}
