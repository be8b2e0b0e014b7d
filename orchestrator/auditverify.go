package orchestrator

import (
	"context"
	"fmt"
)

// auditPage is how many entries VerifyAuditLog reads at a time.
const auditPage = 1000

// AuditLogReport is what VerifyAuditLog checked.
type AuditLogReport struct {
	Entries int
	Head    AuditEntry // the last entry; zero when the log is empty
}

// VerifyAuditLog walks the whole audit log from its first entry and checks
// every link and hash: an edited, removed, inserted or reordered entry is
// a *ChainError naming it. Removing entries from the end leaves a shorter
// valid chain; compare Head with a head recorded earlier (an exported
// bundle's chain.json, or a previous run of `docket audit verify`) to
// catch that.
func VerifyAuditLog(ctx context.Context, st Store) (AuditLogReport, error) {
	var rep AuditLogReport
	for {
		page, err := st.AuditLog(ctx, rep.Head.Seq, auditPage)
		if err != nil {
			return rep, fmt.Errorf("orchestrator: verify audit log: %w", err)
		}
		if len(page) == 0 {
			return rep, nil
		}
		if rep.Entries == 0 && page[0].Seq != 1 {
			return rep, &ChainError{Chain: "audit", ID: page[0].Seq, Problem: fmt.Sprintf("the log starts at %d: entries 1 to %d removed", page[0].Seq, page[0].Seq-1)}
		}
		if err := VerifyAuditChain(page, rep.Head.Hash); err != nil {
			return rep, err
		}
		if rep.Entries > 0 && page[0].Seq != rep.Head.Seq+1 {
			return rep, &ChainError{Chain: "audit", ID: page[0].Seq, Problem: fmt.Sprintf("follows %d: records missing", rep.Head.Seq)}
		}
		rep.Entries += len(page)
		rep.Head = page[len(page)-1]
	}
}
