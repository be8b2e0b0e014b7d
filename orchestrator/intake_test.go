package orchestrator_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
)

// intakeWith builds an intake over f's store with the routing file yaml.
func intakeWith(t *testing.T, f *fixture, yaml string) *orchestrator.Intake {
	t.Helper()
	router, err := rules.Load([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: f.store, Queues: router.Queues(), Items: f.items, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	in, err := orchestrator.NewIntake(orchestrator.IntakeConfig{Store: f.store, Router: router, Tasks: ts, Items: f.items, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

const failingRules = `
rules:
  - {name: aging, when: 'businessDaysSince(data.sent_at) > 1', queue: cdi}
  - {name: big, when: 'data.total_charges > 10000', queue: coding}
  - {name: flaky-bot, on: run_failure, when: 'int(error) > 0', queue: automation}
`

// A rule that cannot read an item's field (here a date that is not a date,
// which the rules' error quotes) opens one automation task per rule and
// item naming the rule and the item's internal id, without the data.
func TestRuleFailingAtRunTimeOpensAutomationTask(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := intakeWith(t, f, failingRules)
	run := orchestrator.Run{ID: "holds@1", Bot: "coding-holds"}
	obs := func(sentAt string) orchestrator.Observation {
		return orchestrator.Observation{Portal: "coding-worklist", ExternalID: "A-1", Kind: orchestrator.KindCodingHold,
			Queue: orchestrator.QueueCoding, Data: map[string]any{"sent_at": sentAt, "total_charges": 20000}}
	}
	res, err := in.Observe(ctx, run, obs("MRN 0042 SMITH"))
	if err != nil {
		t.Fatal(err)
	}
	// The data changes, the rule still fails: no second task.
	if _, err := in.Observe(ctx, run, obs("JONES")); err != nil {
		t.Fatal(err)
	}
	auto, err := f.store.Tasks(ctx, orchestrator.TaskFilter{Queue: orchestrator.QueueAutomation, Open: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(auto) != 1 {
		t.Fatalf("automation tasks %+v, want one for the rule and item", auto)
	}
	a := auto[0]
	if a.Reason != "rule_failed:aging" || a.ItemID != res.Item.ID || !strings.Contains(a.Detail, `"aging"`) ||
		!strings.Contains(a.Detail, "item "+strconv.FormatInt(res.Item.ID, 10)) || strings.Contains(a.Detail, "SMITH") || strings.Contains(a.Detail, "MRN") {
		t.Fatalf("automation task %+v", a)
	}
	// The rules after the failing one still route the item.
	coding, err := f.store.Tasks(ctx, orchestrator.TaskFilter{Queue: orchestrator.QueueCoding, Open: true})
	if err != nil || len(coding) != 1 || coding[0].Reason != "big" {
		t.Fatalf("coding tasks %+v, %v", coding, err)
	}

	// A run-failure rule that fails opens one task per rule.
	for range 2 {
		if err := in.RunFailed(ctx, orchestrator.Run{ID: "holds@2", Bot: "coding-holds", Error: "account 12 gone"}, orchestrator.Bot{Name: "coding-holds"}); err != nil {
			t.Fatal(err)
		}
	}
	auto, err = f.store.Tasks(ctx, orchestrator.TaskFilter{Queue: orchestrator.QueueAutomation, Open: true})
	if err != nil || len(auto) != 2 {
		t.Fatalf("automation tasks after failed runs %+v, %v", auto, err)
	}
	for _, a := range auto {
		if a.Reason == "rule_failed:flaky-bot" && (a.ItemID != 0 || strings.Contains(a.Detail, "account 12")) {
			t.Fatalf("run-failure rule task %+v", a)
		}
	}
}

// A record whose id cannot be kept is one exception item however often it
// is read, with one task, and its id is never stored whole.
func TestBadExternalIDIsQuarantinedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := intakeWith(t, f, failingRules)
	bad := strings.Repeat("9", 5000)
	var ids []int64
	for i := range 2 {
		res, err := in.Observe(ctx, orchestrator.Run{ID: "holds@" + strconv.Itoa(i), Bot: "coding-holds"}, orchestrator.Observation{
			Portal: "coding-worklist", ExternalID: bad, Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding,
			Data: map[string]any{"sent_at": "not a date", "total_charges": 20000},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Item.ID)
	}
	it, err := f.store.Item(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != ids[1] || it.ExternalID != orchestrator.QuarantineKey(bad) || strings.Contains(string(it.Data), bad[:200]) {
		t.Fatalf("exception item %d/%d: %s %.200s", ids[0], ids[1], it.ExternalID, it.Data)
	}
	all, err := f.store.Tasks(ctx, orchestrator.TaskFilter{})
	if err != nil || len(all) != 1 || all[0].Reason != orchestrator.ReasonInvalidRecord || all[0].Queue != orchestrator.QueueCoding ||
		!strings.Contains(all[0].Detail, "5000 bytes long") {
		t.Fatalf("tasks %+v, %v; want one invalid_record task and no rule ran", all, err)
	}
}
