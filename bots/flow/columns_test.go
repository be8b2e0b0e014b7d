package flow

import (
	"strings"
	"testing"

	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
)

// worklistRowsPack is the built-in pack plus a list-only flow: the
// worklist's rows read by column header into a kind the pack declares.
func worklistRowsPack(t *testing.T, headers string) *Pack {
	t.Helper()
	v1 := mustRead(t, "coding-worklist/selectors/v1.yaml")
	v1 = strings.Replace(v1, "\nelements:\n", "\nelements:\n  worklist_headers:\n    candidates:\n      - css: \""+headers+"\"\n", 1)
	v1 = strings.Replace(v1, "\nfields:\n", `
fields:
  worklist:
    - {label: "Account #", name: account_number, parser: text}
    - {label: "Patient", name: patient_name, parser: text}
    - {label: "Facility", name: facility, parser: text}
    - {label: "Charges", name: total_charges_cents, parser: money}
`, 1)
	fsys := packFS(t, map[string]string{
		"selectors/v1.yaml": v1,
		"kinds/worklist_row.yaml": `kind: worklist_row
label: Worklist row
queue: coding
key: [account_number]
display: [patient_name, facility]
fields:
  - {name: account_number, label: Account, type: text, required: true, phi: true}
  - {name: patient_name, label: Patient, type: text, phi: true}
  - {name: facility, label: Facility, type: text}
  - {name: total_charges_cents, label: Charges, type: money_cents}
`,
		"flows/worklist-rows.yaml": `name: worklist-rows
kind: worklist_row
layouts: [v1]
steps:
  - open: {page: start}
  - detect_layout: {}
  - sign_in: {}
  - read_list:
      rows: worklist_rows
      link: row_link
      next: next_page
      empty: worklist_empty
      error: worklist_error
      count: list_total
      columns: {headers: worklist_headers, cell: table_cell, fields: worklist, key_field: account_number}
`,
	})
	p, err := LoadPack(fsys, "x", "packs")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestListByHeaderName reads the worklist's rows by column header into a
// kind declared by the pack, with no detail page: every row exact, the
// columns the group does not name kept under _extra.
func TestListByHeaderName(t *testing.T) {
	t.Run("cell element missing from the layout", func(t *testing.T) {
		// td is not an element of the file: lint names it.
		_, err := LoadPack(packFS(t, map[string]string{"flows/r.yaml": "name: r\nkind: coding_hold\nsteps:\n  - read_list: {rows: worklist_rows, link: row_link, columns: {headers: worklist_rows, cell: nope, fields: detail}}\n"}), "x", "packs")
		if err == nil || !strings.Contains(err.Error(), `r.yaml:4: step 1 (read_list): element "nope" is not in layout v1`) {
			t.Fatalf("LoadPack = %v", err)
		}
	})
	p := worklistRowsPack(t, "#worklist-table thead th")
	b, err := New(Config{Pack: p, Flow: "worklist-rows", PageSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t, portalsim.Config{Seed: 4, Accounts: 23, PageSize: 10}, nil)
	rec, err := runBot(t, b, fx.target, 0)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]orchestrator.Observation{}
	for _, o := range rec.Obs {
		byID[o.ExternalID] = o
	}
	truth := fx.portal.Accounts()
	if len(byID) != len(truth) || rec.Pages != 3 {
		t.Fatalf("observed %d of %d accounts on %d pages", len(byID), len(truth), rec.Pages)
	}
	for _, a := range truth {
		o := byID[a.Number]
		m, ok := o.Data.(map[string]any)
		if !ok || o.Kind != "worklist_row" || len(o.Problems) > 0 {
			t.Fatalf("account %s: %T %s problems %v", a.Number, o.Data, o.Kind, o.Problems)
		}
		if m["account_number"] != a.Number || m["patient_name"] != a.PatientName || m["facility"] != a.Facility || m["total_charges_cents"] != a.TotalChargesCents {
			t.Errorf("account %s: read %v", a.Number, m)
		}
		extra, _ := m[orchestrator.ExtraKey].(map[string]string)
		if extra["Class"] != a.PatientClass {
			t.Errorf("account %s: the Class column is not kept under _extra: %v", a.Number, extra)
		}
	}
}
