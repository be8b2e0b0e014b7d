package rules_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
)

// Thursday 2026-12-03, 10:00 Chicago.
var now = time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC)

func example(t *testing.T) *rules.Router {
	t.Helper()
	r, err := rules.LoadFile("../../deploy/rules.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func item(kind orchestrator.ItemKind, id string, data any) orchestrator.WorkItem {
	b, _ := json.Marshal(data)
	return orchestrator.WorkItem{ID: 1, Portal: "p", ExternalID: id, Kind: kind, Queue: orchestrator.QueueCoding,
		Status: orchestrator.ItemNew, Priority: orchestrator.PriorityNormal, Data: b, DataHash: "h"}
}

func route(t *testing.T, r *rules.Router, in orchestrator.RouteInput) []orchestrator.RouteDecision {
	t.Helper()
	if in.Outcome == "" {
		in.Outcome = orchestrator.UpsertUnchanged // no sampling unless asked
	}
	ds, err := r.Route(context.Background(), in, now)
	if err != nil {
		t.Fatalf("route: %v", err)
	}
	return ds
}

func TestExampleRules(t *testing.T) {
	r := example(t)
	cases := []struct {
		name      string
		it        orchestrator.WorkItem
		wantRule  string
		wantQueue string
		wantPrio  orchestrator.Priority
	}{
		// Sent Thursday 11-19: Thanksgiving (11-26) is a holiday, so on
		// 12-03 it is 9 business days old.
		{"old query", item(orchestrator.KindCodingHold, "A1", map[string]any{"query": map[string]any{"status": "open", "sent_at": "2026-11-19"}}), "query-aging", "cdi", orchestrator.PriorityHigh},
		// Sent Monday 11-30: Tue, Wed, Thu = 3 business days, not older than 3.
		{"young query", item(orchestrator.KindCodingHold, "A2", map[string]any{"query": map[string]any{"status": "open", "sent_at": "2026-11-30"}}), "", "", ""},
		{"answered query", item(orchestrator.KindCodingHold, "A3", map[string]any{"query": map[string]any{"status": "answered", "sent_at": "2026-11-02"}}), "", "", ""},
		{"no query", item(orchestrator.KindCodingHold, "A4", map[string]any{"account_number": "A4"}), "", "", ""},
		{"ncci 1", item(orchestrator.KindClaimEdit, "E1", map[string]any{"category": "ncci_ptp", "modifier_indicator": "1", "filing_deadline": "2027-03-01"}), "ncci-modifier-bypass", "coding", orchestrator.PriorityNormal},
		{"ncci 0 hard", item(orchestrator.KindClaimEdit, "E2", map[string]any{"category": "ncci_ptp", "modifier_indicator": "0", "severity": "hard", "filing_deadline": "2027-03-01"}), "hard-edit", "billing", orchestrator.PriorityNormal},
		{"mue 2", item(orchestrator.KindClaimEdit, "E3", map[string]any{"category": "mue", "mue_adjudication_indicator": "2", "filing_deadline": "2027-03-01"}), "mue-absolute", "billing", orchestrator.PriorityHigh},
		{"mue 3 soft", item(orchestrator.KindClaimEdit, "E4", map[string]any{"category": "mue", "mue_adjudication_indicator": "3", "severity": "soft", "filing_deadline": "2027-03-01"}), "", "", ""},
		{"filing near", item(orchestrator.KindClaimEdit, "E5", map[string]any{"category": "modifier", "severity": "soft", "filing_deadline": "2026-12-08"}), "timely-filing-near", "billing", orchestrator.PriorityCritical},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds := route(t, r, orchestrator.RouteInput{Item: c.it})
			if c.wantRule == "" {
				if len(ds) != 0 {
					t.Fatalf("decisions %+v, want none", ds)
				}
				return
			}
			if len(ds) != 1 || ds[0].Rule != c.wantRule || ds[0].Queue != c.wantQueue || ds[0].Priority != c.wantPrio {
				t.Fatalf("decisions %+v, want %s → %s %s", ds, c.wantRule, c.wantQueue, c.wantPrio)
			}
		})
	}
}

func TestClockStartAndDue(t *testing.T) {
	r := example(t)
	ds := route(t, r, orchestrator.RouteInput{Item: item(orchestrator.KindCodingHold, "A1",
		map[string]any{"query": map[string]any{"status": "open", "sent_at": "2026-11-19"}})})
	chicago, _ := time.LoadLocation("America/Chicago")
	if want := time.Date(2026, 11, 19, 0, 0, 0, 0, chicago); len(ds) != 1 || !ds[0].ClockStart.Equal(want) || !ds[0].MoveItem {
		t.Fatalf("decision %+v, want clock start %s and move", ds, want)
	}
	ds = route(t, r, orchestrator.RouteInput{Item: item(orchestrator.KindClaimEdit, "E3",
		map[string]any{"category": "mue", "mue_adjudication_indicator": "2", "filing_deadline": "2027-03-01"})})
	if want := time.Date(2027, 3, 1, 0, 0, 0, 0, chicago); len(ds) != 1 || !ds[0].DueAt.Equal(want) {
		t.Fatalf("decision %+v, want due %s", ds, want)
	}
}

func TestProblemsGoToAPersonFirst(t *testing.T) {
	r := example(t)
	ds := route(t, r, orchestrator.RouteInput{
		Item:     item(orchestrator.KindCodingHold, "A9", map[string]any{"account_number": "A9"}),
		Problems: []orchestrator.FieldProblem{{Field: "discharge_date", Problem: "not a date"}},
		Outcome:  orchestrator.UpsertCreated,
	})
	if len(ds) != 1 || ds[0].Rule != orchestrator.ReasonFieldProblems || ds[0].Queue != orchestrator.QueueCoding ||
		ds[0].Priority != orchestrator.PriorityHigh || !strings.Contains(ds[0].Detail, "discharge_date (not a date)") {
		t.Fatalf("decisions %+v", ds)
	}
}

func TestRunFailureGoesToAutomation(t *testing.T) {
	r := example(t)
	ds, err := r.RouteFailure(context.Background(), orchestrator.RunFailure{
		Run: orchestrator.Run{ID: "coding-holds@x", Bot: "coding-holds", Status: orchestrator.RunFailed, Error: "timeout"},
	}, now)
	if err != nil || len(ds) != 1 || ds[0].Queue != orchestrator.QueueAutomation || ds[0].Rule != "bot-failure" {
		t.Fatalf("decisions %+v, %v", ds, err)
	}
}

// The sample is a pure function of seed and item: the same seed gives the
// same sample, another seed another, and the share is close to the rate.
func TestSamplingIsReproducible(t *testing.T) {
	r := example(t)
	sampled := func(r *rules.Router) map[string]bool {
		m := map[string]bool{}
		for i := range 4000 {
			id := fmt.Sprintf("ACC%05d", i)
			ds := route(t, r, orchestrator.RouteInput{Outcome: orchestrator.UpsertCreated,
				Item: item(orchestrator.KindCodingHold, id, map[string]any{"account_number": id})})
			if len(ds) == 1 && ds[0].Rule == orchestrator.ReasonQASample && ds[0].Queue == orchestrator.QueueRevenueIntegrity {
				m[id] = true
			}
		}
		return m
	}
	a, b := sampled(r), sampled(example(t))
	if len(a) != len(b) {
		t.Fatalf("two loads sampled %d and %d items", len(a), len(b))
	}
	for id := range a {
		if !b[id] {
			t.Fatalf("%s sampled once, not twice", id)
		}
		if !orchestrator.Sampled("2026-Q4", "p/"+id, 0.05) {
			t.Fatalf("%s is not in the sample an auditor recomputes", id)
		}
	}
	if share := float64(len(a)) / 4000; math.Abs(share-0.05) > 0.015 {
		t.Fatalf("sampled %.3f of items, want about 0.05", share)
	}
	// Unchanged items and items a rule routed are not sampled.
	ds := route(t, r, orchestrator.RouteInput{Outcome: orchestrator.UpsertUnchanged,
		Item: item(orchestrator.KindCodingHold, "x", map[string]any{})})
	if len(ds) != 0 {
		t.Fatalf("unchanged item sampled: %+v", ds)
	}
}

func TestLoadErrorsNameTheRule(t *testing.T) {
	base := "queues:\n  - {name: coding, sla: {target_days: 2}, outcomes: [{name: done}]}\n"
	cases := []struct{ yaml, want string }{
		{base + "rules:\n  - {name: broken, when: 'kind == ', queue: coding}\n", `rule "broken": when: unexpected token EOF`},
		{base + "rules:\n  - {name: typo, when: 'kindd == \"x\"', queue: coding}\n", `rule "typo": when: unknown name kindd`},
		{base + "rules:\n  - {name: notbool, when: 'kind', queue: coding}\n", `rule "notbool": when: expected bool`},
		{base + "rules:\n  - {name: nowhere, when: 'true', queue: cdi}\n", `rule "nowhere": queue "cdi" is not defined`},
		{base + "rules:\n  - {name: loud, when: 'true', queue: coding, priority: urgent}\n", `rule "loud": priority "urgent"`},
		{base + "rules:\n  - {name: a, when: 'true', queue: coding}\n  - {name: a, when: 'true', queue: coding}\n", `rule "a": another rule has this name`},
		{base + "rules:\n  - {when: 'true', queue: coding}\n", `rule 1: name is required`},
		{base + "rules:\n  - {name: x, when: 'true', queue: coding, colour: red}\n", `field colour not found`},
		{base + "sampling: {rate: 0.1, queue: coding}\n", `sampling: a seed is required`},
		{"queues:\n  - {name: coding, sla: {target_days: 2}, outcomes: [{name: done}]}\ncalendar: {holidays: {'2026-13-01': x}}\n", `calendar: `},
		{"queues:\n  - {name: coding, sla: {}, outcomes: [{name: done}]}\n", `queue coding: queue coding: SLA needs target_days or target_hours`},
	}
	for _, c := range cases {
		_, err := rules.Load([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, orchestrator.ErrInvalid) {
			t.Errorf("Load(%q) = %v, want an invalid error containing %q", c.yaml, err, c.want)
		}
	}
}

func TestRuntimeErrorDoesNotMatch(t *testing.T) {
	r, err := rules.Load([]byte("queues:\n  - {name: coding, sla: {target_days: 2}, outcomes: [{name: done}]}\n" +
		"rules:\n  - {name: aging, when: 'businessDaysSince(data.sent_at) > 1', queue: coding}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := r.Route(context.Background(), orchestrator.RouteInput{Item: item(orchestrator.KindCodingHold, "A", map[string]any{})}, now)
	if len(ds) != 0 || err == nil || !strings.Contains(err.Error(), `rule "aging"`) {
		t.Fatalf("decisions %+v, err %v; want none and an error naming the rule", ds, err)
	}
}
