package monitoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// monday10 is Monday 2026-11-30 10:00 UTC.
var monday10 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return monday10 }

func holdData(t *testing.T, discharge string, reasons []string, query string) json.RawMessage {
	t.Helper()
	h := orchestrator.CodingHold{PatientName: "LOVELACE, ADA", MRN: "MRN0012345", DischargeDate: discharge}
	for _, r := range reasons {
		h.HoldReasons = append(h.HoldReasons, orchestrator.HoldReason{Code: r})
	}
	if query != "" {
		h.Query = &orchestrator.Query{ID: "Q1", SentAt: query, Status: "open"}
	}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWorkCollector(t *testing.T) {
	items := []orchestrator.WorkItem{
		{Queue: "coding", Kind: orchestrator.KindCodingHold, Status: orchestrator.ItemNew,
			Data: holdData(t, "2026-11-23", []string{"DCSUM", "PQRY"}, "2026-11-25")},
		{Queue: "coding", Kind: orchestrator.KindCodingHold, Status: orchestrator.ItemNew,
			Data: holdData(t, "2026-11-27", []string{"DCSUM"}, "")},
		{Queue: "coding", Kind: orchestrator.KindCodingHold, Status: orchestrator.ItemSuccessful,
			CreatedAt: monday10.AddDate(0, 0, -7), UpdatedAt: monday10},
	}
	var listErr error
	calls := 0
	now := monday10
	c := NewWorkCollector(WorkCollectorConfig{
		StoreCollectorConfig: StoreCollectorConfig{Queues: []string{"coding", "cdi"}, Now: func() time.Time { return now }, PageSize: 1},
		Kinds:                []orchestrator.ItemKind{orchestrator.KindCodingHold, orchestrator.KindClaimEdit},
		Items: func(_ context.Context, f orchestrator.ItemFilter) ([]orchestrator.WorkItem, error) {
			calls++
			var out []orchestrator.WorkItem
			for _, it := range items {
				if it.Status == f.Status {
					out = append(out, it)
				}
			}
			if f.Offset >= len(out) {
				return nil, listErr
			}
			return out[f.Offset:min(f.Offset+f.Limit, len(out))], listErr
		},
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	want := `
# HELP docket_open_work_items_by_reason Open work items by queue and hold reason code; an item with two reasons counts under both.
# TYPE docket_open_work_items_by_reason gauge
docket_open_work_items_by_reason{queue="coding",reason="DCSUM"} 2
docket_open_work_items_by_reason{queue="coding",reason="PQRY"} 1
# HELP docket_open_queries Open physician documentation queries on open work items, by queue.
# TYPE docket_open_queries gauge
docket_open_queries{queue="cdi"} 0
docket_open_queries{queue="coding"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "docket_open_work_items_by_reason", "docket_open_queries"); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "docket_open_work_item_age_workdays":
			for _, m := range mf.GetMetric() {
				// Discharged Monday 23rd and Friday 27th: 5 and 1 business days on Monday 30th.
				if m.GetLabel()[0].GetValue() == "coding" && (m.GetHistogram().GetSampleCount() != 2 || m.GetHistogram().GetSampleSum() != 6) {
					t.Fatalf("item age = %v", m.GetHistogram())
				}
			}
		case "docket_open_query_age_workdays":
			for _, m := range mf.GetMetric() {
				if m.GetLabel()[0].GetValue() == "coding" && m.GetHistogram().GetSampleSum() != 3 {
					t.Fatalf("query age = %v", m.GetHistogram())
				}
			}
		case "docket_work_item_turnaround_workdays":
			for _, m := range mf.GetMetric() {
				if m.GetLabel()[0].GetValue() == "coding" && m.GetHistogram().GetSampleSum() != 5 {
					t.Fatalf("turnaround = %v", m.GetHistogram())
				}
			}
		case "docket_open_work_items":
			// 2 queues × 2 kinds × 2 open statuses, all present.
			if len(mf.GetMetric()) != 8 {
				t.Fatalf("open item series = %d, want 8", len(mf.GetMetric()))
			}
		}
	}
	if n, err := testutil.GatherAndLint(reg); err != nil || len(n) > 0 {
		t.Fatalf("lint: %v %v", n, err)
	}
	if calls != 6 { // pages of one: new 1+1+empty, in_progress empty, successful 1+empty
		t.Fatalf("store calls = %d: every scrape within the TTL must reuse one reading", calls)
	}
	listErr = errors.New("database down")
	now = now.Add(time.Minute)
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP docket_store_scrape_error 1 when the collector's last reading of the system of record failed.
# TYPE docket_store_scrape_error gauge
docket_store_scrape_error{collector="work_items"} 1
`), "docket_store_scrape_error"); err != nil {
		t.Fatal(err)
	}
}

func TestCapReasonsFoldsRareReasons(t *testing.T) {
	c := counts{}
	for i := range 50 {
		c[[3]string{"coding", fmt.Sprintf("R%02d", i)}] = float64(i + 1)
	}
	out := capReasons(c, 10)
	if len(out) != 11 {
		t.Fatalf("got %d reasons, want 10 and other", len(out))
	}
	if out[[3]string{"coding", "R49"}] != 50 || out[[3]string{"coding", "other"}] == 0 {
		t.Fatalf("most frequent kept, rest folded: %v", out)
	}
}

func TestTaskCollector(t *testing.T) {
	tasks := []orchestrator.HumanTask{
		{Queue: "coding", Reason: "missing_dx", Status: orchestrator.TaskUnassigned, CreatedAt: monday10.AddDate(0, 0, -3), DueAt: monday10.Add(-time.Hour)},
		{Queue: "coding", Reason: "missing_dx", Status: orchestrator.TaskAssigned, CreatedAt: monday10, AtRiskAt: monday10.Add(-time.Minute), DueAt: monday10.Add(2 * time.Hour)},
		// Due in 2 h but not yet at risk by its queue's policy: on track,
		// as the queues page counts it.
		{Queue: "cdi", Reason: "bot_failure", Status: orchestrator.TaskEscalated, CreatedAt: monday10, AtRiskAt: monday10.Add(time.Hour), DueAt: monday10.Add(2 * time.Hour)},
		{Queue: "coding", Reason: "missing_dx", Status: orchestrator.TaskUnassigned, CreatedAt: monday10},
		{Queue: "coding", Reason: "qa_sample", Status: orchestrator.TaskCompleted, Outcome: "fail",
			CreatedAt: monday10.Add(-2 * time.Hour), UpdatedAt: monday10, DueAt: monday10.Add(-time.Hour)},
		{Queue: "coding", Reason: "qa_sample", Status: orchestrator.TaskCompleted, Outcome: "pass",
			CreatedAt: monday10.Add(-time.Hour), UpdatedAt: monday10},
	}
	c := NewTaskCollector(TaskCollectorConfig{
		StoreCollectorConfig: StoreCollectorConfig{Queues: []string{"coding", "cdi"}, Now: fixedNow},
		Tasks:                listTasks(tasks),
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	want := `
# HELP docket_human_tasks_open Human tasks waiting for a person, by queue and SLA state (on_track, due_soon, breached, none).
# TYPE docket_human_tasks_open gauge
docket_human_tasks_open{queue="cdi",sla="breached"} 0
docket_human_tasks_open{queue="cdi",sla="due_soon"} 0
docket_human_tasks_open{queue="cdi",sla="none"} 0
docket_human_tasks_open{queue="cdi",sla="on_track"} 1
docket_human_tasks_open{queue="coding",sla="breached"} 1
docket_human_tasks_open{queue="coding",sla="due_soon"} 1
docket_human_tasks_open{queue="coding",sla="none"} 1
docket_human_tasks_open{queue="coding",sla="on_track"} 0
# HELP docket_human_tasks_resolved_late_total Human tasks resolved after their due time (SLA breaches that were closed).
# TYPE docket_human_tasks_resolved_late_total counter
docket_human_tasks_resolved_late_total{queue="cdi"} 0
docket_human_tasks_resolved_late_total{queue="coding"} 1
# HELP docket_qa_samples_total Resolved QA sample reviews by queue and result (pass, fail, other).
# TYPE docket_qa_samples_total counter
docket_qa_samples_total{queue="cdi",result="fail"} 0
docket_qa_samples_total{queue="cdi",result="pass"} 0
docket_qa_samples_total{queue="coding",result="fail"} 1
docket_qa_samples_total{queue="coding",result="pass"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "docket_human_tasks_open",
		"docket_human_tasks_resolved_late_total", "docket_qa_samples_total"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndLint(reg); err != nil || len(n) > 0 {
		t.Fatalf("lint: %v %v", n, err)
	}
}

func TestBotStateCollector(t *testing.T) {
	at := func(m int) time.Time { return monday10.Add(time.Duration(-m) * time.Minute) }
	runs := []orchestrator.Run{ // newest first
		{Status: orchestrator.RunRunning},
		{Status: orchestrator.RunFailed, FinishedAt: at(10)},
		{Status: orchestrator.RunFailed, FinishedAt: at(25)},
		{Status: orchestrator.RunSucceeded, FinishedAt: at(40)},
		{Status: orchestrator.RunFailed, FinishedAt: at(55)},
	}
	c := NewBotStateCollector(BotStateConfig{
		StoreCollectorConfig: StoreCollectorConfig{Now: fixedNow},
		Bots:                 []BotInfo{{Name: "coding-holds", Enabled: true, Interval: 15 * time.Minute}},
		Runs:                 func(context.Context, string, int) ([]orchestrator.Run, error) { return runs, nil },
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	want := fmt.Sprintf(`
# HELP docket_bot_consecutive_failures Runs of the bot that failed in a row, newest first, from the system of record; 0 after a success.
# TYPE docket_bot_consecutive_failures gauge
docket_bot_consecutive_failures{bot="coding-holds"} 2
# HELP docket_bot_last_run_end_timestamp_seconds Unix time the bot's last run with this status (succeeded, failed) ended, from the system of record.
# TYPE docket_bot_last_run_end_timestamp_seconds gauge
docket_bot_last_run_end_timestamp_seconds{bot="coding-holds",status="failed"} %d
docket_bot_last_run_end_timestamp_seconds{bot="coding-holds",status="succeeded"} %d
# HELP docket_bot_schedule_interval_seconds Time between two schedule slots of the bot; 0 when it runs only by hand.
# TYPE docket_bot_schedule_interval_seconds gauge
docket_bot_schedule_interval_seconds{bot="coding-holds"} 900
# HELP docket_bot_runs_open Runs of the bot queued, running or waiting for a retry.
# TYPE docket_bot_runs_open gauge
docket_bot_runs_open{bot="coding-holds"} 1
`, at(10).Unix(), at(40).Unix())
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "docket_bot_consecutive_failures",
		"docket_bot_last_run_end_timestamp_seconds", "docket_bot_schedule_interval_seconds", "docket_bot_runs_open"); err != nil {
		t.Fatal(err)
	}
}

// listTasks serves a task collector's listing from tasks: one page of the
// filter's status.
func listTasks(tasks []orchestrator.HumanTask) func(context.Context, orchestrator.TaskFilter) ([]orchestrator.HumanTask, error) {
	return func(_ context.Context, f orchestrator.TaskFilter) ([]orchestrator.HumanTask, error) {
		var out []orchestrator.HumanTask
		for _, t := range tasks {
			if t.Status == f.Status && f.Offset == 0 {
				out = append(out, t)
			}
		}
		return out, nil
	}
}
