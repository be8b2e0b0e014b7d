package sqlstore

import (
	"context"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestErrorsNameNoExternalID: store errors reach run records and logs, so
// they never carry an item's external id (an account number).
func TestErrorsNameNoExternalID(t *testing.T) {
	s := openSQLiteT(t)
	ctx := context.Background()
	const acct = "1004261520"
	_, err1 := s.UpsertItem(ctx, orchestrator.ItemUpsert{Portal: "coding-worklist", ExternalID: acct, Kind: orchestrator.KindCodingHold})
	_, err2 := s.ItemByRef(ctx, "coding-worklist", acct)
	u := orchestrator.ItemUpsert{Portal: "coding-worklist", ExternalID: acct, Kind: orchestrator.KindCodingHold, Queue: "coding",
		Data: []byte(`{}`), DataHash: "x"}
	_, err3 := s.BulkUpsertItems(ctx, []orchestrator.ItemUpsert{u, u})
	for i, err := range []error{err1, err2, err3} {
		if err == nil || strings.Contains(err.Error(), acct) {
			t.Errorf("error %d = %v; want one that does not name the account", i+1, err)
		}
	}
}
