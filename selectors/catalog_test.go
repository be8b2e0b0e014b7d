package selectors

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestLoadEmbedded(t *testing.T) {
	latest, err := Load("claim-scrubber")
	if err != nil || latest.Version != "v2" {
		t.Fatalf("Load = %v, %v; want v2", latest, err)
	}
	layouts, err := LoadLayouts("claim-scrubber")
	if err != nil || len(layouts) != 2 || layouts[0].Version != "v1" || layouts[1].Version != "v2" {
		t.Fatalf("LoadLayouts = %v, %v", layouts, err)
	}
	for _, l := range layouts {
		if l.Marker == "" {
			t.Errorf("%s has no layout marker", l.Version)
		}
	}
	f, err := LoadVersion("claim-scrubber", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if f.Portal != "claim-scrubber" || f.Version != "v1" || f.Start != "/batches" {
		t.Fatalf("got %s %s start %s", f.Portal, f.Version, f.Start)
	}
	e, err := f.Element("login_username")
	if err != nil {
		t.Fatal(err)
	}
	want := []Candidate{{CSS, "#username"}, {CSS, "form input[name='username']"}}
	if !reflect.DeepEqual(e.Candidates, want) {
		t.Errorf("login_username candidates = %v, want %v", e.Candidates, want)
	}
	if next, _ := f.Element("next_page"); !next.Optional {
		t.Error("next_page should be optional")
	}
	detail, err := f.FieldGroup("claim")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(detail[0], Field{Label: "Claim ID", Name: "claim_id", Parser: ParseAsText}) {
		t.Errorf("first detail field = %+v", detail[0])
	}
	if _, err := f.Element("nope"); err == nil || !strings.Contains(err.Error(), `no element "nope"`) {
		t.Errorf("missing element: %v", err)
	}
	if err := f.Require("login_username", "nope", "nada"); err == nil || !strings.Contains(err.Error(), "missing elements nope, nada") {
		t.Errorf("Require: %v", err)
	}
	if _, err := LoadVersion("claim-scrubber", "v1"); err != nil {
		t.Error(err)
	}
	if _, err := LoadVersion("claim-scrubber", "v9"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown version: %v, want ErrNotFound", err)
	}
	if _, err := Load("no-such-portal"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown portal: %v, want ErrNotFound", err)
	}
}

const minimal = `portal: p
version: %s
start: /
elements:
  a:
    candidates:
      - css: "#a"
`

func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDirLatestAndOverlay(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"v2", "v10", "v1.1"} {
		writeFile(t, dir, "p/"+v+".yaml", strings.Replace(minimal, "%s", v, 1))
	}
	writeFile(t, dir, "p/README.md", "ignored")
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Versions("p"); !reflect.DeepEqual(got, []string{"v1.1", "v2", "v10"}) {
		t.Errorf("versions = %v", got)
	}
	if f, _ := c.Latest("p"); f.Version != "v10" {
		t.Errorf("latest = %s, want v10", f.Version)
	}
	emb, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	over := t.TempDir()
	writeFile(t, over, "claim-scrubber/v1.yaml", strings.Replace(strings.Replace(minimal, "%s", "v1", 1), "portal: p", "portal: claim-scrubber", 1))
	oc, err := LoadDir(over)
	if err != nil {
		t.Fatal(err)
	}
	merged := emb.With(oc).With(c)
	if got := merged.Portals(); !slices.Contains(got, "claim-scrubber") || !slices.Contains(got, "p") {
		t.Errorf("portals = %v", got)
	}
	f, _ := merged.Version("claim-scrubber", "v1")
	if len(f.Elements) != 1 {
		t.Errorf("override did not replace the embedded v1: %d elements", len(f.Elements))
	}
	if orig, _ := emb.Version("claim-scrubber", "v1"); len(orig.Elements) == 1 {
		t.Error("With changed the embedded catalog")
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing override directory accepted")
	}
}

func TestDecodeErrors(t *testing.T) {
	base := strings.Replace(minimal, "%s", "v1", 1)
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown top key", base + "extra: 1\n", `p/v1.yaml: line 8: unknown key "extra"`},
		{"unknown element key", strings.Replace(base, "    candidates:", "    optinal: true\n    candidates:", 1), `unknown key "optinal"`},
		{"no candidates", base + "  b:\n    optional: true\n", "element b has no candidates"},
		{"empty candidates", base + "  b:\n    candidates: []\n", "element b has no candidates"},
		{"unknown strategy", strings.Replace(base, "css:", "xpth:", 1), `unknown candidate strategy "xpth"`},
		{"two strategies", strings.Replace(base, `- css: "#a"`, `- {css: "#a", text: "A"}`, 1), "a candidate is one strategy"},
		{"empty candidate", strings.Replace(base, `"#a"`, `""`, 1), "candidate css has no value"},
		{"xpath 2.0 function", strings.Replace(base, `- css: "#a"`, `- xpath: "//a[ends-with(@href, '.pdf')]"`, 1),
			"element a candidate 1 (xpath: //a[ends-with(@href, '.pdf')]): function ends-with() is not XPath 1.0"},
		{"prefixed function", strings.Replace(base, `- css: "#a"`, `- xpath: "//a[fn:lower-case(text()) = 'x']"`, 1),
			"function fn:lower-case() is not XPath 1.0"},
		{"no version", strings.Replace(base, "version: v1\n", "", 1), "key version is missing"},
		{"bad start", strings.Replace(base, "start: /", "start: x", 1), "key start must be a path"},
		{"unknown parser", base + "fields:\n  g:\n    - {label: A, name: a, parser: money2}\n", `fields.g[0] (A) has unknown parser "money2"`},
		{"unknown field key", base + "fields:\n  g:\n    - {label: A, name: a, parser: text, fmt: x}\n", `unknown key "fmt"`},
		{"values on int", base + "fields:\n  g:\n    - {label: A, name: a, parser: int, values: {X: x}}\n", "values need parser text"},
		{"repeated label", base + "fields:\n  g:\n    - {label: A, name: a, parser: text}\n    - {label: A, name: b, parser: text}\n", `label "A" repeats`},
		{"not yaml", "portal: [\n", "p/v1.yaml:"},
		{"path mismatch", strings.Replace(base, "portal: p", "portal: q", 1), "declares q v1 but its path says p v1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "p/v1.yaml", tc.yaml)
			_, err := LoadDir(dir)
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.yaml)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "selectors: ") {
				t.Errorf("error %q, want one line containing %q", msg, tc.want)
			}
		})
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"v1", "v2", -1}, {"v2", "v10", -1}, {"v10", "v2", 1}, {"v1", "v1.1", -1}, {"v1.1", "v1", 1}, {"v3", "v3", 0}, {"v1.9", "v1.10", -1},
	} {
		if got := compareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
