package orchestrator

import (
	"reflect"
	"testing"
	"time"
)

func TestObservationProblemsTravelWithTheData(t *testing.T) {
	obs := Observation{Portal: "p", ExternalID: "A1", Kind: KindCodingHold, Queue: QueueCoding,
		Data: CodingHold{AccountNumber: "A1", DischargeDate: ""}}
	clean, err := NewItemUpsert("r1", time.Now(), obs)
	if err != nil {
		t.Fatal(err)
	}
	if got := (WorkItem{Data: clean.Data}).Problems(); got != nil {
		t.Fatalf("clean item has problems %v", got)
	}
	obs.Problems = []FieldProblem{{Field: "discharge_date", Problem: "not a date"}}
	flagged, err := NewItemUpsert("r1", time.Now(), obs)
	if err != nil {
		t.Fatal(err)
	}
	if flagged.DataHash == clean.DataHash {
		t.Fatal("problems do not change the data hash")
	}
	if got := (WorkItem{Data: flagged.Data}).Problems(); !reflect.DeepEqual(got, obs.Problems) {
		t.Fatalf("problems = %v, want %v", got, obs.Problems)
	}
	again, _ := NewItemUpsert("r2", time.Now(), obs)
	if again.DataHash != flagged.DataHash {
		t.Fatal("the same observation hashed differently")
	}
	changes, err := DiffData(clean.Data, flagged.Data)
	if err != nil || len(changes) != 1 || changes[0].Field != problemsKey {
		t.Fatalf("diff = %v, %v", changes, err)
	}
	obs.Data = []string{"not an object"}
	if _, err := NewItemUpsert("r1", time.Now(), obs); err == nil {
		t.Fatal("problems on non-object data accepted")
	}
}
