package claimscrubber

import (
	"reflect"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

func exportFields(t *testing.T) []selectors.Field {
	t.Helper()
	f, err := selectors.LoadVersion("claim-scrubber", "v1")
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.FieldGroup(groupExport)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

const exportHead = "Claim ID,Patient Control Number,Account Number,Payer,Bill Type,From Date,Through Date,Edit ID,Edit Source," +
	"Edit Category,Edit Code,Edit Message,Severity,Line,Procedure Code,Modifiers,Units,Diagnosis Codes,Column 1 Code," +
	"Column 2 Code,Modifier Indicator,MUE Units,MUE Adjudication Indicator,Owner,First Seen,Age Days,Filing Deadline,Status\n"

func TestParseExport(t *testing.T) {
	fields := exportFields(t)
	good := "CLM1,PCN1,100,Payer A,UB-04,2026-10-01,2026-10-02,E01,Scrubber,NCCI Procedure-to-Procedure,NCCI-PTP-1,msg,SOFT," +
		`3,11102,"RT,LT",1,"E11.9,I10",12002,11102,1,,,CODING,2026-11-01,19,2027-10-02,OPEN` + "\n"
	set := parseExport(fields, exportHead+good+
		"CLM1,PCN1,100,Payer A,UB-04,2026-10-01,2026-10-02,E02,Scrubber,Bogus,X,msg,MEDIUM,,,,,,,,,,,CODING,2026-11-01,19,2027-10-02,OPEN\n"+
		"CLM1,PCN1,100,Payer A,UB-04,2026-10-01,2026-10-02,E01,Scrubber,Format,X,msg,HARD,,,,,,,,,,,CODING,2026-11-01,19,2027-10-02,OPEN\n"+
		"\"unterminated,row\n")
	if set.broken || len(set.order) != 2 {
		t.Fatalf("parsed %d edits, broken %v", len(set.order), set.broken)
	}
	e := set.byKey["CLM1:E01"]
	ce, err := claimEdit(e.values)
	if err != nil {
		t.Fatal(err)
	}
	want := orchestrator.ClaimEdit{
		ClaimID: "CLM1", ControlNumber: "PCN1", EditID: "E01", AccountNumber: "100", Payer: "Payer A", BillType: "UB-04",
		ServiceFrom: "2026-10-01", ServiceTo: "2026-10-02", Source: "scrubber", Category: "ncci_ptp", EditCode: "NCCI-PTP-1",
		Message: "msg", Severity: "soft", LineNumber: 3, Code: "11102", Modifiers: []string{"RT", "LT"}, Units: 1,
		Diagnoses: []string{"E11.9", "I10"}, Column1Code: "12002", Column2Code: "11102", ModifierIndicator: "1",
		OwnerTeam: "coding", FirstSeen: "2026-11-01", AgeDays: 19, FilingDeadline: "2027-10-02",
	}
	if !reflect.DeepEqual(ce, want) {
		t.Errorf("parsed\n %+v\nwant\n %+v", ce, want)
	}
	if !reflect.DeepEqual(e.problems, []orchestrator.FieldProblem{{Field: "edit_id", Problem: problemRepeatedInCSV}}) {
		t.Errorf("repeated edit: problems %v", e.problems)
	}
	bad := set.byKey["CLM1:E02"]
	if !reflect.DeepEqual(bad.problems, []orchestrator.FieldProblem{
		{Field: "category", Problem: selectors.RuleNotListed}, {Field: "severity", Problem: selectors.RuleNotListed},
	}) {
		t.Errorf("bad values: problems %v", bad.problems)
	}
	for _, text := range []string{"", "no,headings,here\n1,2,3\n", "\"unterminated"} {
		if set := parseExport(fields, text); !set.broken {
			t.Errorf("parseExport(%q) not broken", text)
		}
	}
}

func TestCompare(t *testing.T) {
	screen := &parsedEdit{values: map[string]any{"severity": "hard", "units": int64(3), "modifiers": []string{"25"}}}
	screen.problem("code", "not a valid CPT or HCPCS code")
	export := &parsedEdit{values: map[string]any{
		"severity": "soft", "units": int64(3), "modifiers": []string{"25"}, "code": "99213", "line_number": int64(2),
	}}
	export.problem("message", selectors.RuleEmpty)
	compare(screen, export, []string{"code", "line_number", "message", "modifiers", "severity", "units"})
	want := []orchestrator.FieldProblem{
		{Field: "code", Problem: "not a valid CPT or HCPCS code"},
		{Field: "line_number", Problem: problemDisagree},
		{Field: "message", Problem: problemExportPrefix + selectors.RuleEmpty},
		{Field: "severity", Problem: problemDisagree},
	}
	if !reflect.DeepEqual(screen.problems, want) {
		t.Errorf("problems\n %v\nwant\n %v", screen.problems, want)
	}
	if screen.values["code"] != "99213" || screen.values["severity"] != "hard" {
		t.Errorf("values after compare: %v (the export fills what the screen could not read; the screen wins otherwise)", screen.values)
	}
}
