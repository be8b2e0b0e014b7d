package orchestrator

import "fmt"

// ChainError reports the first broken link of a hash chain: the record
// whose stored fields no longer hash to its Hash (edited), or whose
// PrevHash does not match the record before it (removed, inserted or
// reordered records).
type ChainError struct {
	Chain   string // "evidence" or "audit"
	ID      int64  // the record's ID (evidence) or Seq (audit)
	Problem string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("orchestrator: %s chain broken at %d: %s", e.Chain, e.ID, e.Problem)
}

// VerifyEvidenceChain checks that records, in ID order, form an unbroken
// chain starting from prevHash (the Hash of the record before the first;
// "" when the first is the start of the chain).
func VerifyEvidenceChain(records []Evidence, prevHash string) error {
	links := make([]link, len(records))
	for i, r := range records {
		links[i] = link{id: r.ID, prev: r.PrevHash, hash: r.Hash, computed: r.ChainHash()}
	}
	return verifyLinks("evidence", links, prevHash)
}

// VerifyAuditChain checks that entries, in Seq order, form an unbroken
// chain starting from prevHash (the Hash of the entry before the first;
// "" when the first is the start of the log).
func VerifyAuditChain(entries []AuditEntry, prevHash string) error {
	links := make([]link, len(entries))
	for i, a := range entries {
		links[i] = link{id: a.Seq, prev: a.PrevHash, hash: a.Hash, computed: a.ChainHash()}
	}
	return verifyLinks("audit", links, prevHash)
}

type link struct {
	id                   int64
	prev, hash, computed string
}

func verifyLinks(chain string, links []link, prevHash string) error {
	for i, l := range links {
		if i > 0 {
			before := links[i-1].id
			switch {
			case l.id <= before:
				return &ChainError{chain, l.id, fmt.Sprintf("out of order: follows %d", before)}
			case l.id != before+1:
				return &ChainError{chain, l.id, fmt.Sprintf("follows %d: records missing or out of order", before)}
			}
		}
		if l.prev != prevHash {
			return &ChainError{chain, l.id, "previous hash does not match the record before it (removed, inserted or reordered)"}
		}
		if l.computed != l.hash {
			return &ChainError{chain, l.id, "hash does not match the record's fields (edited)"}
		}
		prevHash = l.hash
	}
	return nil
}
