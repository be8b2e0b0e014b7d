package flow

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
)

// copyPack writes the built-in coding-worklist pack to dir/folder.
func copyPack(t *testing.T, dir, folder string) string {
	t.Helper()
	root := filepath.Join(dir, folder)
	err := fs.WalkDir(packs.FS(), "coding-worklist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(packs.FS(), p)
		if err != nil {
			return err
		}
		dst := filepath.Join(root, strings.TrimPrefix(p, "coding-worklist/"))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

const payerKind = `kind: payer_denial
label: Payer denial
queue: billing
key: [claim_id]
fields:
  - {name: claim_id, label: Claim, type: text, required: true, phi: true}
`

// TestLibraryReloadsOnlyCleanPacks: a pack in packs_dir replaces the
// built-in one; a bad edit is reported and the last good version keeps
// running; a good edit replaces it and its kinds reach the registry.
func TestLibraryReloadsOnlyCleanPacks(t *testing.T) {
	dir := t.TempDir()
	root := copyPack(t, dir, "cw")
	if err := os.WriteFile(filepath.Join(root, "kinds", "payer_denial.yaml"), []byte(payerKind), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := orchestrator.NewKindRegistry()
	var loaded, failed []string
	lib, err := NewLibrary(LibraryConfig{Dir: dir, Kinds: reg,
		OnLoad:  func(p, v string) { loaded = append(loaded, p+"@"+v) },
		OnError: func(p string, err error) { failed = append(failed, err.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	builtin, _ := Builtin()
	first := lib.Pack("coding-worklist")
	if first == nil || first.Version == builtin["coding-worklist"].Version || !strings.HasPrefix(first.Source, dir) {
		t.Fatalf("packs_dir did not replace the built-in pack: %+v", first)
	}
	if k, ok := reg.Lookup("payer_denial"); !ok || k.Pack != "coding-worklist" {
		t.Fatalf("the pack's kind is not in the registry: %+v", k)
	}

	// A bad edit: an element no layout has.
	flowPath := filepath.Join(root, "flows", "coding-holds.yaml")
	editFile(t, flowPath, "rows: worklist_rows", "rows: worklist_rowz")
	if errs := lib.Reload(); len(errs) != 1 || !strings.Contains(errs[0].Error(), `coding-holds.yaml:11: step 4 (read_list): element "worklist_rowz" is not in layout v1`) {
		t.Fatalf("Reload = %v, want the finding", errs)
	}
	if lib.Pack("coding-worklist") != first || len(failed) != 1 {
		t.Fatalf("a bad edit replaced the running pack (or was not reported: %v)", failed)
	}
	if errs := lib.Reload(); len(errs) != 0 {
		t.Errorf("the unchanged bad pack was tried again: %v", errs)
	}

	// Fixed, and a comment more: a new version runs.
	editFile(t, flowPath, "rows: worklist_rowz", "rows: worklist_rows # fixed")
	if errs := lib.Reload(); len(errs) != 0 {
		t.Fatalf("Reload = %v", errs)
	}
	if p := lib.Pack("coding-worklist"); p == first || p.Version == first.Version {
		t.Fatal("the fixed pack did not replace the running one")
	}

	// The folder goes: the built-in pack runs again.
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	lib.Reload()
	if lib.Pack("coding-worklist") != builtin["coding-worklist"] && lib.Pack("coding-worklist").Version != builtin["coding-worklist"].Version {
		t.Error("with its folder gone, the built-in pack does not run again")
	}
	if len(loaded) < 3 {
		t.Errorf("OnLoad told %v", loaded)
	}
}

// TestRunKeepsItsPackVersion reloads a changed pack in the middle of a
// run: the run's evidence all names the version it started with; the
// next run takes the new one.
func TestRunKeepsItsPackVersion(t *testing.T) {
	dir := t.TempDir()
	root := copyPack(t, dir, "cw")
	lib, err := NewLibrary(LibraryConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	before := lib.Pack("coding-worklist")
	b, err := New(Config{Current: func() *Pack { return lib.Pack("coding-worklist") }, Flow: "coding-holds", PageSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t, portalsim.Config{Seed: 3, Accounts: 30, PageSize: 10}, nil)
	rec := &memRecorder{OnPage: func(n int) {
		if n == 1 {
			editFile(t, filepath.Join(root, "pack.yaml"), "description:", "# edited mid-run\ndescription:")
			if errs := lib.Reload(); len(errs) != 0 {
				t.Errorf("Reload = %v", errs)
			}
		}
	}}
	if err := b.Run(context.Background(), session(t, fx.target, 0), rec); err != nil {
		t.Fatal(err)
	}
	after := lib.Pack("coding-worklist")
	if after.Version == before.Version {
		t.Fatal("the pack was not reloaded")
	}
	for _, c := range rec.Evidence {
		if c.SelectorVersion != VersionLabel("v1", before) {
			t.Fatalf("evidence of the run records %q, want the version it started with (%s)", c.SelectorVersion, VersionLabel("v1", before))
		}
	}
	checkEveryAccountOnce(t, rec, fx.portal.Accounts())
	rec2, err := runBot(t, b, fx.target, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec2.Evidence[0].SelectorVersion; got != VersionLabel("v1", after) {
		t.Errorf("the next run records %q, want %s", got, VersionLabel("v1", after))
	}
}

// TestNamedFindsAPackAddedLater: a bot configured for a flow no pack
// holds fails its run with the reason; once the pack is copied into
// packs_dir and reloaded, the same bot runs it, with no new bot made.
func TestNamedFindsAPackAddedLater(t *testing.T) {
	dir := t.TempDir()
	lib, err := NewLibrary(LibraryConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	bot := NewNamed(lib, "other-worklist/other-holds", Config{PageSize: -1})
	fx := newFixture(t, portalsim.Config{Seed: 9, Accounts: 12, PageSize: 25}, nil)
	if _, err := runBot(t, bot, fx.target, 0); err == nil || !strings.Contains(err.Error(), `no pack holds a flow "other-worklist/other-holds"`) {
		t.Fatalf("Run before the pack = %v", err)
	}
	root := copyPack(t, dir, "other")
	editFile(t, filepath.Join(root, "pack.yaml"), "name: coding-worklist", "name: other-worklist")
	editFile(t, filepath.Join(root, "flows", "coding-holds.yaml"), "name: coding-holds", "name: other-holds")
	if errs := lib.Reload(); len(errs) != 0 {
		t.Fatal(errs)
	}
	rec, err := runBot(t, bot, fx.target, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkEveryAccountOnce(t, rec, fx.portal.Accounts())
	if v := rec.Evidence[0].SelectorVersion; !strings.Contains(v, " pack other-worklist@") || rec.Evidence[0].Bot != "other-worklist/other-holds" {
		t.Errorf("evidence of %s records %q", rec.Evidence[0].Bot, v)
	}
}
