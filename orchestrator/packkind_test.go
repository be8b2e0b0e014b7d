package orchestrator_test

import (
	"context"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// payerDenial is a record kind a pack declares at run time.
func payerDenial() orchestrator.RecordKind {
	return orchestrator.RecordKind{
		Kind: "payer_denial", Queue: orchestrator.QueueBilling, Key: []string{"claim_number", "line"},
		PHI: []string{"claim_number"}, Display: []string{"claim_number", "denied_cents"},
		Fields: []orchestrator.KindField{
			{Name: "claim_number", Type: orchestrator.FieldText, Required: true},
			{Name: "line", Type: orchestrator.FieldInt, Required: true},
			{Name: "denied_cents", Type: orchestrator.FieldMoneyCents},
			{Name: "carc", Type: orchestrator.FieldCodeList},
		},
	}
}

const denialRules = `
rules:
  - {name: big-denial, when: 'kind == "payer_denial" && data.denied_cents > 100000 && "CO-50" in data.carc', queue: billing}
`

// A kind declared at run time gets what a built-in kind gets from intake:
// an upsert by its natural key, history of what changed (the extra
// fields too), and routing rules that read its fields.
func TestPackKindUpsertHistoryAndRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kinds := orchestrator.NewKindRegistry()
	if err := kinds.Replace("payer-denials", []orchestrator.RecordKind{payerDenial()}); err != nil {
		t.Fatal(err)
	}
	kind, _ := kinds.Lookup("payer_denial")
	in := intakeWith(t, f, denialRules)
	observe := func(run string, cents int, carc ...string) orchestrator.UpsertResult {
		t.Helper()
		data := map[string]any{"claim_number": "CLM900", "line": 2, "denied_cents": cents, "carc": carc,
			orchestrator.ExtraKey: map[string]string{"remark": "N130"}}
		id, err := kind.ExternalID(data)
		if err != nil {
			t.Fatal(err)
		}
		res, err := in.Observe(ctx, orchestrator.Run{ID: run, Bot: "denials"}, orchestrator.Observation{
			Portal: "payer-portal", ExternalID: id, Kind: kind.Kind, Queue: kind.Queue, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := observe("denials@1", 5000, "CO-50")
	if first.Outcome != orchestrator.UpsertCreated || first.Item.ExternalID != "CLM900:2" || first.Item.Queue != orchestrator.QueueBilling {
		t.Fatalf("first observation: %s %+v", first.Outcome, first.Item)
	}
	if again := observe("denials@2", 5000, "CO-50"); again.Outcome != orchestrator.UpsertUnchanged || again.Item.ID != first.Item.ID {
		t.Fatalf("same observation again: %s item %d", again.Outcome, again.Item.ID)
	}
	if tasks, err := f.store.Tasks(ctx, orchestrator.TaskFilter{Open: true}); err != nil || len(tasks) != 0 {
		t.Fatalf("a small denial opened tasks %+v, %v", tasks, err)
	}

	changed := observe("denials@3", 250000, "CO-50", "CO-97")
	if changed.Outcome != orchestrator.UpsertUpdated || changed.Item.ID != first.Item.ID {
		t.Fatalf("changed observation: %s item %d", changed.Outcome, changed.Item.ID)
	}
	hist, err := f.store.History(ctx, first.Item.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	fields := map[string]string{}
	for _, c := range last.Changes {
		fields[c.Field] = c.New
	}
	if len(hist) != 2 || fields["denied_cents"] != "250000" || fields["carc"] != `["CO-50","CO-97"]` || len(fields) != 2 {
		t.Fatalf("history %+v; want the creation, then denied_cents and carc changed", hist)
	}
	tasks, err := f.store.Tasks(ctx, orchestrator.TaskFilter{Open: true})
	if err != nil || len(tasks) != 1 || tasks[0].Reason != "big-denial" || tasks[0].Queue != orchestrator.QueueBilling || tasks[0].ItemID != first.Item.ID {
		t.Fatalf("tasks %+v, %v; want one big-denial task in billing", tasks, err)
	}
}
