package orchestrator

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// denialKind is a record kind as a payer portal's pack might declare it.
func denialKind() RecordKind {
	return RecordKind{
		Kind: "payer_denial", Queue: QueueBilling, Key: []string{"claim_number", "line"},
		Display: []string{"claim_number", "denied_cents"}, PHI: []string{"claim_number"},
		Fields: []KindField{
			{Name: "claim_number", Type: FieldText, Required: true},
			{Name: "line", Type: FieldInt, Required: true},
			{Name: "member_id", Type: FieldText, PHI: true},
			{Name: "denied_cents", Label: "Denied", Type: FieldMoneyCents},
			{Name: "carc", Type: FieldCodeList},
			{Name: "remarks", Type: FieldGroup, Fields: []KindField{
				{Name: "code", Type: FieldCode}, {Name: "text", Type: FieldText}}},
		},
	}
}

func TestBuiltinKindsValidate(t *testing.T) {
	for _, k := range BuiltinKinds() {
		if err := k.Validate(); err != nil {
			t.Errorf("built-in %s: %v", k.Kind, err)
		}
		for _, f := range k.PHI {
			if fd, _ := k.Field(f); !fd.PHI {
				t.Errorf("built-in %s: PHI field %s is not declared PHI", k.Kind, f)
			}
		}
	}
	if fields, ok := PHIFields(KindCodingHold); !ok || !slices.Contains(fields, "mrn") {
		t.Errorf("PHIFields(coding_hold) = %v, %v", fields, ok)
	}
	if _, ok := PHIFields("payer_denial"); ok {
		t.Error("PHIFields knows a pack kind; want all PHI (ok false)")
	}
}

func TestKindRegistryReplace(t *testing.T) {
	r := NewKindRegistry()
	if len(r.All()) != len(BuiltinKinds()) {
		t.Fatalf("new registry holds %d kinds; want the built-in ones", len(r.All()))
	}
	if err := r.Replace("payer-denials", []RecordKind{denialKind()}); err != nil {
		t.Fatal(err)
	}
	k, ok := r.Lookup("payer_denial")
	if !ok || k.Pack != "payer-denials" || k.Label != "Payer denial" {
		t.Fatalf("Lookup = %+v, %v", k, ok)
	}
	if f, _ := k.Field("denied_cents"); f.Label != "Denied" {
		t.Errorf("declared label became %q", f.Label)
	}
	if f, _ := k.Field("claim_number"); f.Label != "Claim number" {
		t.Errorf("default label %q; want Claim number", f.Label)
	}
	if g, _ := k.Field("remarks"); g.Fields[1].Label != "Text" {
		t.Errorf("group field label %q; want Text", g.Fields[1].Label)
	}
	if got, _ := r.PHIFields("payer_denial"); !slices.Equal(got, []string{"claim_number", "member_id"}) {
		t.Errorf("PHIFields = %v; want claim_number, member_id", got)
	}
	if !slices.Contains(r.PHIFieldNames(), "member_id") || !slices.Contains(r.PHIFieldNames(), "mrn") {
		t.Errorf("PHIFieldNames = %v", r.PHIFieldNames())
	}
	if !r.IsPHIName("Member_ID") || !r.IsPHIName(ExtraKey) || r.IsPHIName("carc") {
		t.Error("IsPHIName: want member_id (any case) and _extra, not carc")
	}
	if !k.IsPHI(ExtraKey) || !k.IsPHI("member_id") || k.IsPHI("carc") {
		t.Error("IsPHI: want _extra and member_id PHI, carc not")
	}

	// A caller's copy does not change the registry.
	k.Fields[0].Name = "changed"
	if again, _ := r.Lookup("payer_denial"); again.Fields[0].Name != "claim_number" {
		t.Error("Lookup shares its fields with the caller")
	}

	// Replacing swaps the pack's kinds; none removes them.
	other := denialKind()
	other.Kind = "payer_appeal"
	if err := r.Replace("payer-denials", []RecordKind{other}); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Lookup("payer_denial"); ok {
		t.Error("a kind the pack no longer declares is still there")
	}
	if _, ok := r.Lookup("payer_appeal"); !ok {
		t.Error("the pack's new kind is missing")
	}
	if err := r.Replace("payer-denials", nil); err != nil {
		t.Fatal(err)
	}
	if len(r.All()) != len(BuiltinKinds()) {
		t.Errorf("after removing the pack %d kinds remain", len(r.All()))
	}
}

func TestKindRegistryRefuses(t *testing.T) {
	r := NewKindRegistry()
	if err := r.Replace("a", []RecordKind{denialKind()}); err != nil {
		t.Fatal(err)
	}
	with := func(f func(*RecordKind)) RecordKind {
		k := denialKind()
		k.Kind = "other_kind"
		f(&k)
		return k
	}
	for _, tc := range []struct {
		name, pack, want string
		kinds            []RecordKind
	}{
		{"no pack", "", "name of the pack", []RecordKind{with(func(*RecordKind) {})}},
		{"built-in", "b", "coding_hold, which is built in", []RecordKind{with(func(k *RecordKind) { k.Kind = KindCodingHold })}},
		{"another pack's", "b", "payer_denial, which pack a declares", []RecordKind{denialKind()}},
		{"twice", "b", "other_kind twice", []RecordKind{with(func(*RecordKind) {}), with(func(*RecordKind) {})}},
		{"upper case", "b", `record kind name "Denial"`, []RecordKind{with(func(k *RecordKind) { k.Kind = "Denial" })}},
		{"too long", "b", "record kind name", []RecordKind{with(func(k *RecordKind) { k.Kind = ItemKind(strings.Repeat("a", 41)) })}},
		{"digit first", "b", "record kind name", []RecordKind{with(func(k *RecordKind) { k.Kind = "1kind" })}},
		{"no queue", "b", "has no queue", []RecordKind{with(func(k *RecordKind) { k.Queue = "" })}},
		{"no key", "b", "has no key field", []RecordKind{with(func(k *RecordKind) { k.Key = nil })}},
		{"undeclared key", "b", `key field "account" is not declared`, []RecordKind{with(func(k *RecordKind) { k.Key = []string{"account"} })}},
		{"list key", "b", "key field carc is a code_list", []RecordKind{with(func(k *RecordKind) { k.Key = []string{"carc"} })}},
		{"undeclared display", "b", `display field "patient" is not declared`, []RecordKind{with(func(k *RecordKind) { k.Display = []string{"patient"} })}},
		{"undeclared PHI", "b", `PHI field "ssn" is not declared`, []RecordKind{with(func(k *RecordKind) { k.PHI = []string{"ssn"} })}},
		{"bad field name", "b", `field name "Claim-No"`, []RecordKind{with(func(k *RecordKind) { k.Fields[0].Name = "Claim-No" })}},
		{"reserved field", "b", `field name "_extra"`, []RecordKind{with(func(k *RecordKind) { k.Fields[0].Name = ExtraKey })}},
		{"field twice", "b", "field line is declared twice", []RecordKind{with(func(k *RecordKind) { k.Fields[0].Name = "line" })}},
		{"bad type", "b", `type "money"`, []RecordKind{with(func(k *RecordKind) { k.Fields[3].Type = "money" })}},
		{"empty group", "b", "group remarks declares no fields", []RecordKind{with(func(k *RecordKind) { k.Fields[5].Fields = nil })}},
		{"bad group field", "b", "other_kind.remarks: field name", []RecordKind{with(func(k *RecordKind) { k.Fields[5].Fields[0].Name = "X" })}},
		{"long label", "b", "other_kind: label is longer than 80", []RecordKind{with(func(k *RecordKind) { k.Label = strings.Repeat("é", 81) })}},
		{"bidi label", "b", "other_kind.line: label holds the character U+202E", []RecordKind{with(func(k *RecordKind) { k.Fields[1].Label = "Line\u202e" })}},
		{"control label", "b", "label holds the character U+000A", []RecordKind{with(func(k *RecordKind) { k.Fields[5].Fields[0].Label = "a\nb" })}},
		{"fields on text", "b", "claim_number is a text and cannot have fields", []RecordKind{with(func(k *RecordKind) { k.Fields[0].Fields = []KindField{{Name: "x", Type: FieldText}} })}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := r.All()
			err := r.Replace(tc.pack, tc.kinds)
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Replace = %v; want one line with %q", err, tc.want)
			}
			if after := r.All(); len(after) != len(before) {
				t.Errorf("a refused Replace changed the registry: %d kinds, was %d", len(after), len(before))
			}
		})
	}
	// A refused Replace keeps the pack's previous kinds.
	bad := denialKind()
	bad.Key = []string{"nope"}
	if err := r.Replace("a", []RecordKind{bad}); err == nil {
		t.Fatal("an undeclared key field was accepted")
	}
	if _, ok := r.Lookup("payer_denial"); !ok {
		t.Error("a refused Replace dropped the pack's last good kinds")
	}
}

func TestRecordKindExternalID(t *testing.T) {
	k := denialKind()
	id, err := k.ExternalID(map[string]any{"claim_number": "CLM77", "line": float64(3)})
	if err != nil || id != "CLM77:3" {
		t.Errorf("ExternalID = %q, %v; want CLM77:3", id, err)
	}
	_, err = k.ExternalID(map[string]any{"claim_number": "CLM77"})
	if err == nil || !strings.Contains(err.Error(), "no key field line") || strings.Contains(err.Error(), "CLM77") {
		t.Errorf("ExternalID without line = %v; want an error naming the field, not the claim", err)
	}
}

// TestKindRegistryConcurrent: readers on every request while packs reload
// (run under -race). A reader sees a pack's old kinds or its new ones,
// never one without the other.
func TestKindRegistryConcurrent(t *testing.T) {
	r := NewKindRegistry()
	pair := func(v int) []RecordKind {
		a, b := denialKind(), denialKind()
		a.Label = fmt.Sprint("v", v)
		b.Kind, b.Label = "payer_appeal", a.Label
		return []RecordKind{a, b}
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range 300 {
				if err := r.Replace(fmt.Sprint("pack", w), nil); err != nil {
					t.Error(err)
				}
				if w == 0 {
					if err := r.Replace("pack0", pair(v)); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				all := r.All()
				var labels []string
				for _, k := range all {
					if k.Pack == "pack0" {
						labels = append(labels, k.Label)
					}
				}
				if len(labels) != 0 && (len(labels) != 2 || labels[0] != labels[1]) {
					t.Errorf("a reader saw a half-replaced pack: %v", labels)
					return
				}
				if k, ok := r.Lookup(KindCodingHold); !ok || k.Label != "Coding hold" {
					t.Error("a built-in kind went missing during a reload")
					return
				}
				r.PHIFields("payer_denial")
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
}
