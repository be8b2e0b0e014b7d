package monitoring

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestOutboxCollector(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	st := orchestrator.OutboxStats{Unsent: 3, OldestUnsent: now.Add(-90 * time.Second)}
	var fail error
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewOutboxCollector(func(context.Context) (orchestrator.OutboxStats, error) { return st, fail },
		func() time.Time { return now }))
	want := `
# HELP docket_outbox_oldest_unsent_age_seconds Age of the oldest job in the outbox the queue has not taken yet; 0 when there is none.
# TYPE docket_outbox_oldest_unsent_age_seconds gauge
docket_outbox_oldest_unsent_age_seconds 90
# HELP docket_outbox_scrape_error 1 when the last reading of the outbox failed.
# TYPE docket_outbox_scrape_error gauge
docket_outbox_scrape_error 0
# HELP docket_outbox_unsent Jobs committed to the outbox (write-backs, manual runs) that the queue has not taken yet.
# TYPE docket_outbox_unsent gauge
docket_outbox_unsent 3
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	st = orchestrator.OutboxStats{}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(strings.NewReplacer("unsent 3", "unsent 0", "seconds 90", "seconds 0").Replace(want))); err != nil {
		t.Fatal(err)
	}
	fail = errors.New("database down")
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP docket_outbox_scrape_error 1 when the last reading of the outbox failed.
# TYPE docket_outbox_scrape_error gauge
docket_outbox_scrape_error 1
`)); err != nil {
		t.Fatal(err)
	}
}
