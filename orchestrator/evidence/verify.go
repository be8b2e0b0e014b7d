package evidence

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

// verifyPageSize is how many records Verify reads at a time.
const verifyPageSize = 500

// Verify walks the whole evidence chain from its first record: every link
// must hold (orchestrator.VerifyEvidenceChain) and every record's content
// must be present and hash to its sha256. It returns the first problem: an
// *orchestrator.ChainError, a *ContentError, or missing content wrapping
// orchestrator.ErrNotFound.
func (s *Store) Verify(ctx context.Context) error {
	var (
		after    int64
		prevHash string
		checked  = map[string]bool{} // content shared by records is hashed once
	)
	for {
		page, err := s.store.EvidenceChain(ctx, after, verifyPageSize)
		if err != nil {
			return fmt.Errorf("evidence: verify: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		// A page that does not continue from the last one has lost records
		// at the page boundary; VerifyEvidenceChain only sees within a page.
		if after != 0 && page[0].ID != after+1 {
			return fmt.Errorf("evidence: verify: %w", &orchestrator.ChainError{Chain: "evidence", ID: page[0].ID,
				Problem: fmt.Sprintf("follows %d: records missing or out of order", after)})
		}
		if err := orchestrator.VerifyEvidenceChain(page, prevHash); err != nil {
			return fmt.Errorf("evidence: verify: %w", err)
		}
		for _, e := range page {
			if checked[e.SHA256] {
				continue
			}
			if !validSHA(e.SHA256) {
				return fmt.Errorf("evidence: verify record %d: %w: sha256 %q is not 64 hex digits", e.ID, orchestrator.ErrInvalid, e.SHA256)
			}
			got, err := s.hashBlob(ctx, e)
			if err != nil {
				return fmt.Errorf("evidence: verify: %w", err)
			}
			if got != e.SHA256 {
				return fmt.Errorf("evidence: verify: %w", &ContentError{ID: e.ID, Want: e.SHA256, Got: got})
			}
			checked[e.SHA256] = true
		}
		last := page[len(page)-1]
		after, prevHash = last.ID, last.Hash
	}
}
