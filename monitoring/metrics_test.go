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

func TestMetricsRegisterAndExpose(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Fatal("registering twice on one registry should fail, not double count")
	}
	at := time.Unix(1_800_000_000, 0)
	m.RunEnded("coding-holds", OutcomeSucceeded, 3*time.Second, at)
	m.RunEnded("coding-holds", OutcomeFailed, time.Second, at)
	if got := testutil.ToFloat64(m.BotRuns.WithLabelValues("coding-holds", OutcomeSucceeded)); got != 1 {
		t.Fatalf("runs succeeded = %v", got)
	}
	if got := testutil.ToFloat64(m.LastSuccess.WithLabelValues("coding-holds")); got != 1_800_000_000 {
		t.Fatalf("last success = %v", got)
	}

	counts := []orchestrator.ItemCount{{Queue: "coding", Status: orchestrator.ItemNew, Count: 7}}
	var fail error
	if err := m.Register(NewItemsCollector(func(context.Context) ([]orchestrator.ItemCount, error) { return counts, fail })); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP docket_work_items Work items by queue and status.
# TYPE docket_work_items gauge
docket_work_items{queue="coding",status="new"} 7
# HELP docket_work_items_scrape_error 1 when the last count of work items failed.
# TYPE docket_work_items_scrape_error gauge
docket_work_items_scrape_error 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "docket_work_items", "docket_work_items_scrape_error"); err != nil {
		t.Fatal(err)
	}
	counts, fail = nil, errors.New("database down")
	if got, _ := testutil.GatherAndCount(reg, "docket_work_items_scrape_error"); got != 1 {
		t.Fatalf("scrape error series = %d", got)
	}
	if n, err := testutil.GatherAndLint(reg); err != nil || len(n) > 0 {
		t.Fatalf("metric lint problems: %v %v", n, err)
	}
}
