package selectors

import (
	"reflect"
	"testing"
)

func TestParseICD10CM(t *testing.T) {
	for in, want := range map[string]string{
		"E11.9": "E11.9", "e119": "E11.9", "S72.001A": "S72.001A", "S72001A": "S72.001A", "I10": "I10",
		" j18.9 ": "J18.9", "C4A.9": "C4A.9", "Z79.4": "Z79.4",
	} {
		got, err := ParseICD10CM(in)
		if err != nil || got != want {
			t.Errorf("ParseICD10CM(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "E1", "11.9", "EE1.9", "E11.", "E11.12345", "E11-9", "E11.9.1", "123.4X", "E1!.9", "Ä11.9"} {
		if got, err := ParseICD10CM(in); err == nil {
			t.Errorf("ParseICD10CM(%q) = %q, want error", in, got)
		}
	}
}

func TestParseProcedureCode(t *testing.T) {
	for in, want := range map[string]string{"99213": "99213", "0001F": "0001F", "0042t": "0042T", "J1885": "J1885", "g0008": "G0008"} {
		got, err := ParseProcedureCode(in)
		if err != nil || got != want {
			t.Errorf("ParseProcedureCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "9921", "992134", "9921A", "JJ885", "J188", "1234X", "99-13"} {
		if got, err := ParseProcedureCode(in); err == nil {
			t.Errorf("ParseProcedureCode(%q) = %q, want error", in, got)
		}
	}
}

func TestParseModifiers(t *testing.T) {
	for in, want := range map[string][]string{"25": {"25"}, "25, 59": {"25", "59"}, "lt-rt": {"LT", "RT"}, "XS 59 25 50": {"XS", "59", "25", "50"}} {
		got, err := ParseModifiers(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseModifiers(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", ",", "5", "259", "25,5", "25 59 XS LT RT", "2$"} {
		if got, err := ParseModifiers(in); err == nil {
			t.Errorf("ParseModifiers(%q) = %q, want error", in, got)
		}
	}
	if m, err := ParseModifier("xu"); err != nil || m != "XU" {
		t.Errorf("ParseModifier(xu) = %q, %v", m, err)
	}
}

func TestParseNPI(t *testing.T) {
	for _, in := range []string{"1234567893", "1245319599", "1003000126"} {
		if got, err := ParseNPI(in); err != nil || got != in {
			t.Errorf("ParseNPI(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "1234567890", "123456789", "12345678931", "123456789X", "1245319590"} {
		if got, err := ParseNPI(in); err == nil {
			t.Errorf("ParseNPI(%q) = %q, want error", in, got)
		}
	}
}

func TestParseDRG(t *testing.T) {
	if got, err := ParseDRG(" 470 "); err != nil || got != "470" {
		t.Errorf("ParseDRG(470) = %q, %v", got, err)
	}
	for _, in := range []string{"", "47", "4700", "DRG-12X", "47a"} {
		if got, err := ParseDRG(in); err == nil {
			t.Errorf("ParseDRG(%q) = %q, want error", in, got)
		}
	}
}

func TestFieldProblems(t *testing.T) {
	text := Field{Name: "note", Parser: ParseAsText}
	for raw, rule := range map[string]string{
		"":                                RuleEmpty,
		`<script>alert("x")</script>`:     RuleMarkup,
		`<img src=x onerror="alert(1)">a`: RuleMarkup,
		"see javascript:void(0)":          RuleMarkup,
		string(make([]byte, 1<<20)):       RuleTooLong,
	} {
		_, _, err := text.Parse(raw)
		fe, ok := IsFieldError(err)
		if !ok || fe.Rule != rule || fe.Field != "note" {
			t.Errorf("Parse(%.20q) = %v, want rule %q", raw, err, rule)
		}
	}
	if v, ok, err := text.Parse("age < 65 & weight > 80"); err != nil || !ok || v != "age < 65 & weight > 80" {
		t.Errorf("plain comparison text: %v %v %v", v, ok, err)
	}
	date := Field{Name: "admit_date", Parser: ParseAsDate}
	_, _, err := date.Parse("02/30/2026")
	if fe, ok := IsFieldError(err); !ok || fe.Rule != "not a date in a known format" {
		t.Errorf("bad date: %v", err)
	}
	if msg := err.Error(); msg != "selectors: field admit_date: not a date in a known format" {
		t.Errorf("error %q", msg)
	}
	limited := Field{Name: "code", Parser: ParseAsText, MaxLen: 3}
	if _, _, err := limited.Parse("ABCD"); err == nil {
		t.Error("MaxLen ignored")
	}
	mods := Field{Name: "modifiers", Parser: ParseAsModifiers}
	if v, _, err := mods.Parse("25,59"); err != nil || !reflect.DeepEqual(v, []string{"25", "59"}) {
		t.Errorf("modifiers field: %v %v", v, err)
	}
}

func TestTextCandidateXPath(t *testing.T) {
	for in, want := range map[string]string{
		"Cerulean HIM 11.":  `//*[text()[contains(normalize-space(.), "Cerulean HIM 11.")]]`,
		`say "hi"`:          `//*[text()[contains(normalize-space(.), 'say "hi"')]]`,
		`it's "x"`:          `//*[text()[contains(normalize-space(.), concat("it's ", '"', "x", '"', ""))]]`,
		"  spaced\n  out  ": `//*[text()[contains(normalize-space(.), "spaced out")]]`,
	} {
		got, ok := Candidate{Strategy: Text, Value: in}.XPath()
		if !ok || got != want {
			t.Errorf("text %q: XPath %s, want %s", in, got, want)
		}
	}
	if _, ok := (Candidate{Strategy: CSS, Value: "a"}).XPath(); ok {
		t.Error("css candidate has an XPath")
	}
	if x, ok := (Candidate{Strategy: XPath, Value: "//a"}).XPath(); !ok || x != "//a" {
		t.Error("xpath candidate changed")
	}
}

func TestPagePath(t *testing.T) {
	f := &File{Source: "t", Pages: map[string]string{"account": "/accounts/{account}", "bad": "/x/{y"}}
	if p, err := f.PagePath("account", map[string]string{"account": "1004 2/x"}); err != nil || p != "/accounts/1004%202%2Fx" {
		t.Errorf("PagePath = %q, %v", p, err)
	}
	for _, tc := range []struct{ name, acct string }{{"account", ""}, {"nope", "1"}, {"bad", "1"}} {
		if _, err := f.PagePath(tc.name, map[string]string{"account": tc.acct}); err == nil {
			t.Errorf("PagePath(%s, %q) accepted", tc.name, tc.acct)
		}
	}
}
