package selectors

import (
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-14": "2026-03-14", "03/14/2026": "2026-03-14", "3/4/2026": "2026-03-04", "03-14-2026": "2026-03-14",
		"Mar 14, 2026": "2026-03-14", "March 4, 2026": "2026-03-04", "4-Mar-2026": "2026-03-04", "14 Mar 2026": "2026-03-14",
		"20260314": "2026-03-14", "2026-03-14T23:30:00-05:00": "2026-03-14", " 03/14/2026\u00a0": "2026-03-14",
		"03/14/2026 3:04 PM": "2026-03-14",
	} {
		got, err := ParseDate(in)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "14/03/2026", "2026-02-30", "03/14/26", "soon", "Mar 32, 2026"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %q, want error", in, got)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for in, want := range map[string]int64{
		"$12,345.67": 1234567, "$0.05": 5, "12345.67": 1234567, "$1,000,000.00": 100000000, "-$19.99": -1999,
		"($19.99)": -1999, "$7": 700, " $ 1,234.50 ": 123450,
	} {
		got, err := ParseMoney(in)
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "$", "$12,34.56", "$1.5", "$1.505", "12a", "$,123.00", "$1,2345.00", "$99999999999999999999.00", "$1.x5"} {
		if got, err := ParseMoney(in); err == nil {
			t.Errorf("ParseMoney(%q) = %d, want error", in, got)
		}
	}
}

func TestParseInt(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "42": 42, "1,234": 1234, "-7": -7, " 12 ": 12} {
		got, err := ParseInt(in)
		if err != nil || got != want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.5", "12,34", "x", "--1", "99999999999999999999"} {
		if got, err := ParseInt(in); err == nil {
			t.Errorf("ParseInt(%q) = %d, want error", in, got)
		}
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"Yes": true, "yes": true, "Y": true, "TRUE": true, "No": false, "n": false, "False": false} {
		got, err := ParseBool(in)
		if err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "maybe", "1"} {
		if _, err := ParseBool(in); err == nil {
			t.Errorf("ParseBool(%q) accepted", in)
		}
	}
}

func TestFieldParse(t *testing.T) {
	status := Field{Label: "Coding Status", Name: "coding_status", Parser: ParseAsText, Values: map[string]string{"Not Coded": "not_coded"}}
	if v, ok, err := status.Parse("  Not \n Coded "); err != nil || !ok || v != "not_coded" {
		t.Errorf("status = %v %v %v", v, ok, err)
	}
	if _, _, err := status.Parse("Billed"); err == nil || strings.Contains(err.Error(), "Billed") {
		t.Errorf("unlisted value: %v (must fail without echoing the value)", err)
	}
	name := Field{Label: "Patient Name", Name: "patient_name", Parser: ParseAsText}
	if _, _, err := name.Parse("  "); err == nil || !strings.Contains(err.Error(), "patient_name") {
		t.Errorf("empty required field: %v", err)
	}
	coder := Field{Label: "Assigned Coder", Name: "assigned_coder", Parser: ParseAsText, Optional: true}
	if v, ok, err := coder.Parse(""); err != nil || ok || v != nil {
		t.Errorf("empty optional field = %v %v %v", v, ok, err)
	}
	charges := Field{Label: "Total Charges", Name: "total_charges_cents", Parser: ParseAsMoney}
	if v, ok, err := charges.Parse("$1,234.56"); err != nil || !ok || v != int64(123456) {
		t.Errorf("money field = %v %v %v", v, ok, err)
	}
	dob := Field{Label: "Admit Date", Name: "admit_date", Parser: ParseAsDate}
	if _, _, err := dob.Parse("01/32/1970"); err == nil || strings.Contains(err.Error(), "1970") {
		t.Errorf("bad date: %v (must fail without echoing the value)", err)
	}
	hold := Field{Label: "In Bill Hold", Name: "in_bill_hold", Parser: ParseAsBool}
	if v, _, err := hold.Parse("No"); err != nil || v != false {
		t.Errorf("bool field = %v %v", v, err)
	}
	days := Field{Label: "Days", Name: "days", Parser: ParseAsInt}
	if v, _, err := days.Parse("12"); err != nil || v != int64(12) {
		t.Errorf("int field = %v %v", v, err)
	}
}
