package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlowsLint lints the built-in packs (clean: exit 0), then a copy of
// the coding-worklist pack in packs_dir with a misspelt element (exit 1,
// the finding names file, line and step) and an unknown pack (usage).
func TestFlowsLint(t *testing.T) {
	ctx := context.Background()
	code, out, errOut := runMain(t, ctx, nil, "flows", "lint")
	if code != 0 || !strings.Contains(out, "coding-worklist (built in, packs/coding-worklist, version ") || !strings.Contains(out, "): ok") {
		t.Fatalf("flows lint = %d\n%s%s", code, out, errOut)
	}
	dir := t.TempDir()
	if err := exec.Command("cp", "-r", "../../bots/packs/coding-worklist", filepath.Join(dir, "mine")).Run(); err != nil {
		t.Fatal(err)
	}
	flowPath := filepath.Join(dir, "mine", "flows", "coding-holds.yaml")
	data, err := os.ReadFile(flowPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(flowPath, []byte(strings.Replace(string(data), "link: row_link", "link: row_lnk", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runMain(t, ctx, []string{"DOCKET_PACKS_DIR=" + dir}, "flows", "lint", "mine")
	want := filepath.Join(dir, "mine", "flows", "coding-holds.yaml") + `:11: step 4 (read_list): element "row_lnk" is not in layout v2`
	if code != 1 || !strings.Contains(out, want) || strings.Contains(out, "built in") {
		t.Fatalf("flows lint mine = %d, want 1 and %q:\n%s", code, want, out)
	}
	if code, _, errOut = runMain(t, ctx, nil, "flows", "lint", "no-such-pack"); code != 2 || !strings.Contains(errOut, `no pack "no-such-pack"`) {
		t.Errorf("flows lint no-such-pack = %d %s", code, errOut)
	}
}

// copyPackAt copies the pack folder src to dst, replacing old with new in
// its pack.yaml.
func copyPackAt(t *testing.T, src, dst, old, new string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	p := filepath.Join(dst, "pack.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", p, old)
	}
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(data), old, new)), 0o644); err != nil {
		t.Fatal(err)
	}
}
