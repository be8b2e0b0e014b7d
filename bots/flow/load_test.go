package flow

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docket-rpa/docket/bots/packs"
)

func TestBuiltinPacksLoad(t *testing.T) {
	ps, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p := ps["coding-worklist"]
	if p == nil || len(p.Layouts) != 2 || p.Flows["coding-holds"] == nil || len(p.Version) != 64 {
		t.Fatalf("coding-worklist pack: %+v", p)
	}
	if k, ok := p.Kind("coding_hold"); !ok || k.Pack != "coding-worklist" || len(p.RegistryKinds()) != 0 {
		t.Errorf("kind coding_hold: %+v (built in, so not for the registry)", k)
	}
}

// packFS copies the built-in coding-worklist pack into a map file system
// with edits (path → content; "" deletes the file).
func packFS(t *testing.T, edits map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(packs.FS(), "coding-worklist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(packs.FS(), p)
		m["x/"+strings.TrimPrefix(p, "coding-worklist/")] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range edits {
		if c == "" {
			delete(m, "x/"+p)
			continue
		}
		m["x/"+p] = &fstest.MapFile{Data: []byte(c)}
	}
	return m
}

func flowFile(t *testing.T, old, new string) string {
	t.Helper()
	data, err := fs.ReadFile(packs.FS(), "coding-worklist/flows/coding-holds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("flow file lacks %q", old)
	}
	return strings.Replace(string(data), old, new, 1)
}

func TestLoadErrorsNameFileLineAndStep(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edits map[string]string
		want  string
	}{
		{"element missing from a layout", map[string]string{"flows/coding-holds.yaml": flowFile(t, "rows: worklist_rows", "rows: worklist_rowz")},
			`packs/x/flows/coding-holds.yaml:11: step 4 (read_list): element "worklist_rowz" is not in layout v1`},
		{"unknown step key", map[string]string{"flows/coding-holds.yaml": flowFile(t, "noun: worklist", "nonu: worklist")},
			`packs/x/flows/coding-holds.yaml:12: step 4 (read_list): unknown key "nonu"`},
		{"unknown step kind", map[string]string{"flows/coding-holds.yaml": flowFile(t, "- sign_in: {}", "- sign_on: {}")},
			`packs/x/flows/coding-holds.yaml:10: step 3: unknown step kind or key "sign_on"`},
		{"bad expr", map[string]string{"flows/coding-holds.yaml": flowFile(t, "- sign_in: {}", "- sign_in: {}\n    if: 'vars.x =='")},
			`packs/x/flows/coding-holds.yaml:10: step 3 (sign_in): expr "vars.x =="`},
		{"field without a kind field", map[string]string{"kinds/coding_hold.yaml": strings.Replace(mustRead(t, "coding-worklist/kinds/coding_hold.yaml"),
			"  - {name: drg, label: DRG, type: code}\n", "", 1)},
			`field drg of group detail (layout v1) is not a field of kind coding_hold`},
		{"parser that cannot fill the type", map[string]string{"kinds/coding_hold.yaml": strings.Replace(mustRead(t, "coding-worklist/kinds/coding_hold.yaml"),
			"{name: in_bill_hold, label: In bill hold, type: bool}", "{name: in_bill_hold, label: In bill hold, type: date}", 1)},
			`field in_bill_hold (layout v1) has parser bool, which cannot fill a date field`},
		{"unknown pack key", map[string]string{"pack.yaml": "name: x\nportal: coding-worklist\nmaintenence: m\n"},
			`packs/x/pack.yaml:3: unknown key "maintenence"`},
		{"no pack.yaml", map[string]string{"pack.yaml": ""}, "packs/x/pack.yaml: no pack.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadPack(packFS(t, tc.edits), "x", "packs")
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("LoadPack = %v, want a *LoadError", err)
			}
			for _, f := range le.Findings {
				if strings.Contains(f.String(), tc.want) {
					return
				}
			}
			t.Errorf("findings %v lack %q", le.Findings, tc.want)
		})
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	data, err := fs.ReadFile(packs.FS(), p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestVersionIsTheFilesHash(t *testing.T) {
	a, err := LoadPack(packFS(t, nil), "x", "packs")
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadPack(packFS(t, map[string]string{"flows/coding-holds.yaml": flowFile(t, "noun: worklist", "noun: worklist # a comment")}), "x", "packs")
	if err == nil && a.Version == b.Version {
		t.Errorf("an edited pack kept version %s", a.Version)
	}
	ps, _ := Builtin()
	if ps["coding-worklist"].Version != a.Version {
		t.Errorf("the same files under another root hash differently: %s vs %s", ps["coding-worklist"].Version, a.Version)
	}
}
