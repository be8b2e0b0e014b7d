package selectors

import (
	"strings"
	"testing"
)

// Every parser and validator is fuzzed: whatever a portal shows, parsing
// returns a value or an error, never panics, and an error never repeats
// the input (it may be patient data). The seeds run in every `go test`.

var fuzzSeeds = []string{
	"", " ", "\u00a0", "2026-03-14", "03/14/2026", "Mar 4, 2026", "02/30/2026", "$12,345.67", "($5.00)", "-$1.x5",
	"1,234", "--1", "Yes", "n", "E11.9", "s72001a", "99213", "0001F", "J1885", "25, 59", "LT-RT", "1234567893",
	"1234567890", "470", "DRG-12X", "<script>alert(1)</script>", "\xff\xfe", "9999999999999999999999", "1.",
	strings.Repeat("9", 400), "E11.\x00", "<", "<<a",
}

// noEcho fails when err's message contains in, for inputs long enough that
// the match is not a coincidence of a short rule word.
func noEcho(t *testing.T, in string, err error) {
	t.Helper()
	if err != nil && len(in) >= 8 && strings.Contains(err.Error(), in) {
		t.Errorf("error %q repeats the input", err)
	}
}

func fuzzString(f *testing.F, name string, parse func(string) (string, error), check func(t *testing.T, out string)) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := parse(in)
		noEcho(t, in, err)
		if err == nil && check != nil {
			check(t, out)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	fuzzString(f, "date", ParseDate, func(t *testing.T, out string) {
		if _, err := ParseDate(out); err != nil || len(out) != 10 {
			t.Errorf("ParseDate gave %q, which does not read back", out)
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		_, err := ParseMoney(in)
		noEcho(t, in, err)
	})
}

func FuzzParseInt(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		_, err := ParseInt(in)
		noEcho(t, in, err)
	})
}

func FuzzParseBool(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		_, err := ParseBool(in)
		noEcho(t, in, err)
	})
}

func FuzzParseText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := ParseText(in)
		if out != strings.TrimSpace(out) || strings.Contains(out, "  ") {
			t.Errorf("ParseText(%q) = %q: not collapsed", in, out)
		}
		_ = HasMarkup(in)
	})
}

func FuzzParseICD10CM(f *testing.F) {
	fuzzString(f, "icd10cm", ParseICD10CM, func(t *testing.T, out string) {
		if again, err := ParseICD10CM(out); err != nil || again != out {
			t.Errorf("ParseICD10CM gave %q, which does not read back", out)
		}
	})
}

func FuzzParseProcedureCode(f *testing.F) {
	fuzzString(f, "procedure", ParseProcedureCode, func(t *testing.T, out string) {
		if len(out) != 5 {
			t.Errorf("procedure code %q is not five characters", out)
		}
	})
}

func FuzzParseModifiers(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := ParseModifiers(in)
		noEcho(t, in, err)
		if err == nil && (len(out) == 0 || len(out) > 4) {
			t.Errorf("ParseModifiers(%q) = %q", in, out)
		}
		m, err := ParseModifier(in)
		noEcho(t, in, err)
		if err == nil && len(m) != 2 {
			t.Errorf("ParseModifier(%q) = %q", in, m)
		}
	})
}

func FuzzParseNPI(f *testing.F) {
	fuzzString(f, "npi", ParseNPI, func(t *testing.T, out string) {
		if !ValidNPI(out) {
			t.Errorf("ParseNPI accepted %q, which ValidNPI rejects", out)
		}
	})
}

func FuzzParseDRG(f *testing.F) {
	fuzzString(f, "drg", ParseDRG, nil)
}

// FuzzFieldParse runs every parser through Field.Parse, the path bots use,
// including the length and markup checks.
func FuzzFieldParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(0))
	}
	kinds := []Parser{ParseAsText, ParseAsDate, ParseAsMoney, ParseAsInt, ParseAsBool, ParseAsICD10CM, ParseAsProcedure, ParseAsModifiers, ParseAsNPI, ParseAsDRG}
	f.Fuzz(func(t *testing.T, in string, k uint8) {
		fld := Field{Name: "f", Parser: kinds[int(k)%len(kinds)], Optional: k&0x80 != 0}
		v, present, err := fld.Parse(in)
		noEcho(t, in, err)
		if err != nil {
			if _, ok := IsFieldError(err); !ok {
				t.Errorf("Parse error %T is not a *FieldError", err)
			}
			return
		}
		if present == (v == nil) {
			t.Errorf("Parse(%q) = %v, present %v", in, v, present)
		}
		if s, ok := v.(string); ok && HasMarkup(s) {
			t.Errorf("Parse accepted text with markup")
		}
	})
}

// FuzzDecode feeds arbitrary bytes to the selector file decoder.
func FuzzDecode(f *testing.F) {
	good, err := embedded.ReadFile("portals/claim-scrubber/v1.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("portal: p\nversion: v1\nstart: /\nelements:\n  a:\n    candidates:\n      - text: \"x\"\n"))
	f.Add([]byte("portal: p\nversion: v1\nstart: /\nmarker: b\nelements:\n  a:\n    candidates:\n      - xpath: //a\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := decode("fuzz.yaml", data)
		if err == nil && (file.Portal == "" || len(file.Elements) == 0) {
			t.Errorf("decode accepted a file without portal or elements")
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("decode error spans lines: %q", err)
		}
	})
}
