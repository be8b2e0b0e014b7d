package monitoring

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
)

// TestLabelsCarryNoPatientData is the attack from issue 13: a portal's
// hold reason column, and any other data a label is made of (queue, kind,
// routing rule, outcome), holds a patient's name and MRN. Scraping every
// collector must show neither, and the values must land under "other".
func TestLabelsCarryNoPatientData(t *testing.T) {
	phi := []string{"LOVELACE, ADA", "Ada Lovelace", "MRN0012345", "0012345", "Lovelace"}
	hold := func(codes ...string) json.RawMessage {
		h := orchestrator.CodingHold{PatientName: "LOVELACE, ADA", MRN: "MRN0012345", DischargeDate: "2026-11-23"}
		for _, c := range codes {
			h.HoldReasons = append(h.HoldReasons, orchestrator.HoldReason{Code: c})
		}
		b, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	items := []orchestrator.WorkItem{
		{Queue: "coding", Kind: orchestrator.KindCodingHold, Status: orchestrator.ItemNew,
			Data: hold("LOVELACE, ADA MRN0012345", "MRN0012345", "Lovelace", "0012345", "DCSUM")},
		{Queue: "Ada Lovelace", Kind: "MRN0012345", Status: orchestrator.ItemNew, Data: hold("PQRY")},
		{Queue: "MRN0012345", Kind: orchestrator.KindClaimEdit, Status: orchestrator.ItemSuccessful, Data: hold()},
	}
	tasks := []orchestrator.HumanTask{
		{Queue: "LOVELACE, ADA", Reason: "MRN0012345", Status: orchestrator.TaskUnassigned, CreatedAt: monday10},
		{Queue: "coding", Reason: "Ada Lovelace", Status: orchestrator.TaskAssigned, CreatedAt: monday10},
		{Queue: "coding", Reason: "qa_sample", Status: orchestrator.TaskCompleted, Outcome: "LOVELACE, ADA",
			CreatedAt: monday10.Add(-time.Hour), UpdatedAt: monday10},
	}
	sc := StoreCollectorConfig{Queues: []string{"coding", "cdi"}, Now: fixedNow}
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.AttemptEnded(Attempt{Bot: "coding-holds", Outcome: "MRN0012345", Reason: "Ada Lovelace", Duration: time.Second, At: monday10})
	reg.MustRegister(
		NewItemsCollector(func(context.Context) ([]orchestrator.ItemCount, error) {
			return []orchestrator.ItemCount{{Queue: "coding", Status: orchestrator.ItemNew, Count: 1},
				{Queue: "LOVELACE, ADA", Status: orchestrator.ItemNew, Count: 2},
				{Queue: "MRN0012345", Status: orchestrator.ItemNew, Count: 3}}, nil
		}),
		NewWorkCollector(WorkCollectorConfig{StoreCollectorConfig: sc,
			Kinds: []orchestrator.ItemKind{orchestrator.KindCodingHold, orchestrator.KindClaimEdit},
			Items: func(_ context.Context, f orchestrator.ItemFilter) ([]orchestrator.WorkItem, error) {
				var out []orchestrator.WorkItem
				for _, it := range items {
					if it.Status == f.Status && f.Offset == 0 {
						out = append(out, it)
					}
				}
				return out, nil
			}}),
		NewTaskCollector(TaskCollectorConfig{StoreCollectorConfig: sc,
			QAResult: func(o string) string { return o }, // a careless mapping passes the outcome on
			Tasks:    listTasks(tasks)}),
	)
	rec := httptest.NewRecorder()
	Handler(reg).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: HTTP %d: %s", rec.Code, rec.Body)
	}
	page := rec.Body.String()
	for _, s := range phi {
		if strings.Contains(strings.ToLower(page), strings.ToLower(s)) {
			t.Errorf("the metrics carry %q:\n%s", s, grepLines(page, s))
		}
	}
	for _, want := range []string{
		`docket_open_work_items_by_reason{queue="coding",reason="other"} 1`,
		`docket_open_work_items_by_reason{queue="coding",reason="DCSUM"} 1`,
		`docket_open_work_items_by_reason{queue="other",reason="PQRY"} 1`,
		`docket_open_work_items{kind="other",queue="other",status="new"} 1`,
		`docket_work_items{queue="other",status="new"} 5`,
		`docket_human_tasks_open_by_reason{queue="other",reason="other"} 1`,
		`docket_human_tasks_open_by_reason{queue="coding",reason="other"} 1`,
		`docket_qa_samples_total{queue="coding",result="other"} 1`,
		`docket_bot_runs_total{bot="coding-holds",outcome="other"} 1`,
		`docket_bot_run_failures_total{bot="coding-holds",reason="other"} 1`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("no %s in the metrics", want)
		}
	}
}

func TestCodeLabel(t *testing.T) {
	for v, want := range map[string]string{
		"PQRY": "PQRY", "DCSUM": "DCSUM", "ncci_ptp": "ncci_ptp", "missing-dx": "missing-dx", "DRG470": "DRG470",
		"bot_failure": "bot_failure", "": "other", "Lovelace": "other", "LOVELACE, ADA": "other",
		"MRN0012345": "other", "1004321": "other", "a b": "other", "x\u202e": "other",
		strings.Repeat("A", 25): "other",
	} {
		if got := CodeLabel(v); got != want {
			t.Errorf("CodeLabel(%q) = %q, want %q", v, got, want)
		}
	}
	if CodeLabel("LOVELACE", "PQRY", "DCSUM") != "other" || CodeLabel("PQRY", "PQRY") != "PQRY" {
		t.Error("with known codes only those pass")
	}
}
