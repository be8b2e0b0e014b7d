package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// TestDataFilesArePrivate is issue 13's finding: data files were created
// 0644 in a directory others could enter. Under the usual umask (022) the
// real commands make a data directory (one fresh, one an older Docket
// left 0755 with a 0644 database), run the demo's bots, seal credentials
// and export evidence bundles; then every directory must be 0700 and
// every file 0600: the SQLite database with its -wal and -shm (held open
// while looking), secret.key, the evidence files, the bundles.
func TestDataFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	root := t.TempDir()
	fresh := filepath.Join(root, "fresh")
	older := filepath.Join(root, "older")
	if err := os.Mkdir(older, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(older, "docket.db"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{fresh, older} {
		code, stdout, stderr := runMain(t, ctx, nil, "demo", "--once", "--data-dir", dir, "--http-addr", "127.0.0.1:0",
			"--portal-addr", "127.0.0.1:0", "--claims-portal-addr", "127.0.0.1:0", "--demo-accounts", "6", "--demo-claims", "2",
			"--log-level", "warn")
		if code != exitOK {
			t.Fatalf("demo --once in %s: exit %d\n%s%s", dir, code, stdout, stderr)
		}
		code, _, stderr = runMainIn(t, ctx, "pa55-word\n\n", nil, "credentials", "set", "coding-worklist",
			"--username", "auditor", "--data-dir", dir)
		if code != exitOK {
			t.Fatalf("credentials set in %s: exit %d: %s", dir, code, stderr)
		}
		env := []string{"DOCKET_DATA_DIR=" + dir, "DOCKET_LOG_LEVEL=error"}
		for _, out := range []string{filepath.Join(dir, "bundle"), filepath.Join(dir, "bundle.tar.gz")} {
			if code, stdout, stderr := runMain(t, ctx, env, "evidence", "export", "--since", "2020-01-01", "--out", out); code != exitOK {
				t.Fatalf("evidence export --out %s: exit %d\n%s%s", out, code, stdout, stderr)
			}
		}
		st := openTestStore(t, filepath.Join(dir, "docket.db"))
		if _, err := st.Items(ctx, orchestrator.ItemFilter{Limit: 1}); err != nil {
			t.Fatal(err)
		}
		checkPrivate(t, dir, "docket.db", "docket.db-wal", "docket.db-shm", "secret.key", "evidence", "bundle/manifest.json", "bundle.tar.gz")
	}
}

// checkPrivate walks dir: every directory must be 0700 and every file
// 0600, and each of want must be among them. Chromium's profile (under
// browser/, in a 0700 directory the pool creates) is Chromium's own.
func checkPrivate(t *testing.T, dir string, want ...string) {
	t.Helper()
	seen := map[string]bool{}
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		fi, err := d.Info()
		if err != nil {
			return err
		}
		wantMode := fs.FileMode(0o600)
		if d.IsDir() {
			wantMode = 0o700
		} else {
			files++
		}
		if got := fi.Mode().Perm(); got != wantMode {
			t.Errorf("%s is %#o, want %#o", rel, got, wantMode)
		}
		if d.IsDir() && rel == "browser" {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("no %s in %s; the check proves nothing for it", w, dir)
		}
	}
	evidence := 0
	for rel := range seen {
		if strings.HasPrefix(rel, "evidence/") {
			evidence++
		}
	}
	if evidence < 5 {
		t.Errorf("only %d evidence entries in %s", evidence, dir)
	}
	t.Logf("%s: %d files checked", dir, files)
}
