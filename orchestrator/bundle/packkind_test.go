package bundle_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/bundle"
)

// TestExportPackKindItem: an item of a kind a pack declared at run time
// exports and verifies like a coding hold: its record with its kind and
// data (extra fields included), its history and its evidence.
func TestExportPackKindItem(t *testing.T) {
	src, _ := seed(t)
	ctx := context.Background()
	st := src.Store
	kinds := orchestrator.NewKindRegistry()
	err := kinds.Replace("denials", []orchestrator.RecordKind{{Kind: "payer_denial", Queue: orchestrator.QueueBilling,
		Key: []string{"claim_number"}, PHI: []string{"claim_number"},
		Fields: []orchestrator.KindField{{Name: "claim_number", Type: orchestrator.FieldText}, {Name: "denied_cents", Type: orchestrator.FieldMoneyCents}}}})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := kinds.Lookup("payer_denial")
	var id int64
	for i, cents := range []int{5000, 250000} {
		data := map[string]any{"claim_number": "CLM-9", "denied_cents": cents, orchestrator.ExtraKey: map[string]string{"Group no": "G-9"}}
		ext, err := k.ExternalID(data)
		if err != nil {
			t.Fatal(err)
		}
		runID := "denials@" + string(rune('a'+i))
		shot, err := src.Evidence.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html",
			Content: []byte("<p>denial " + runID + "</p>"), URL: "http://payer/denials/CLM-9", Bot: "denials", RunID: runID, ItemRef: ext,
			CapturedAt: t0.Add(time10m(i))})
		if err != nil {
			t.Fatal(err)
		}
		u, err := orchestrator.NewItemUpsert(runID, t0.Add(time10m(i)), orchestrator.Observation{Portal: "payer-portal", ExternalID: ext,
			Kind: k.Kind, Queue: k.Queue, EvidenceID: shot.ID, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.UpsertItem(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		id = res.Item.ID
	}
	p := export(t, src, bundle.Scope{ItemID: id}, "denial")
	rep, err := bundle.Verify(p, bundle.VerifyOptions{VerifierKey: src.Signing.VerifierKey})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Artefacts != 2 || rep.EvidenceRecords != 2 || rep.Items != 1 || rep.Proofs != 4 {
		t.Fatalf("report %+v; want both observations' evidence, the item, and a ledger proof per evidence and history record", rep)
	}
	var hist []bundle.History
	if raw, err := os.ReadFile(filepath.Join(p, bundle.FileHistory)); err != nil || json.Unmarshal(raw, &hist) != nil || len(hist) != 2 ||
		hist[1].Changes[0].Field != "denied_cents" {
		t.Fatalf("history.json %+v, %v; want the creation and the change of denied_cents", hist, err)
	}
	raw, err := os.ReadFile(filepath.Join(p, bundle.FileItems))
	if err != nil {
		t.Fatal(err)
	}
	var items []orchestrator.WorkItem
	if err := json.Unmarshal(raw, &items); err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if len(items) != 1 || items[0].Kind != "payer_denial" || json.Unmarshal(items[0].Data, &data) != nil ||
		data["denied_cents"] != float64(250000) || data[orchestrator.ExtraKey].(map[string]any)["Group no"] != "G-9" {
		t.Fatalf("items.json %s", raw)
	}
}

func time10m(i int) time.Duration { return time.Duration(10*(i+1)) * time.Minute }
