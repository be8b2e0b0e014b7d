package bots

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindChromium(t *testing.T) {
	got, err := FindChromium("")
	if err != nil {
		t.Fatalf("FindChromium: %v", err)
	}
	if got != chromiumHeadlessShell {
		t.Errorf("FindChromium() = %q, want %q", got, chromiumHeadlessShell)
	}
	if got, err := FindChromium(chromiumFull); err != nil || got != chromiumFull {
		t.Errorf("FindChromium(%q) = %q, %v", chromiumFull, got, err)
	}

	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{filepath.Join(dir, "missing"), plain, dir} {
		if _, err := FindChromium(bad); err == nil {
			t.Errorf("FindChromium(%q) succeeded, want error", bad)
		}
	}
	if _, err := findChromium("", filepath.Join(dir, "missing"), plain); !errors.Is(err, ErrNoChromium) {
		t.Errorf("findChromium(none installed) error = %v, want ErrNoChromium", err)
	}
}

func TestLeaklessUsableHere(t *testing.T) {
	// This machine's TMPDIR is executable; if that changes, the pool still
	// works (pdeathsig) but this test says why leakless is off.
	if err := leaklessUsable(); err != nil {
		t.Fatalf("leakless unusable: %v", err)
	}
}

func TestReadProcStat(t *testing.T) {
	st, err := readProcStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if st.ppid != os.Getppid() || st.state == 'Z' || st.pid != os.Getpid() {
		t.Errorf("readProcStat(self) = %+v", st)
	}
	if processRunning(-1) {
		t.Error("processRunning(-1) = true")
	}
}
