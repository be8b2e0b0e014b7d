package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator/vault"
)

func TestCredentialsSetSealsAndWorkersResolve(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	code, stdout, stderr := runMainIn(t, ctx, "pa55-word\nJBSWY3DPEHPK3PXP\n", nil,
		"credentials", "set", "coding-worklist", "--username", "auditor", "--data-dir", dataDir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout+stderr, "pa55") || strings.Contains(stdout+stderr, "JBSW") {
		t.Fatalf("a secret was printed: %q %q", stdout, stderr)
	}
	keyInfo, err := os.Stat(filepath.Join(dataDir, "secret.key"))
	if err != nil || keyInfo.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", keyInfo, err)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "docket.db"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "pa55-word") {
		t.Fatal("password stored in plaintext")
	}

	cfg := defaultConfig()
	cfg.DataDir = dataDir
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, new(strings.Builder))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	st, err := a.openStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.openVault(st, false)
	if err != nil || v == nil {
		t.Fatalf("vault: %v", err)
	}
	targets, err := a.resolveTargets(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	got := targets["coding-worklist"]
	if got.Username != "auditor" || got.Password != "pa55-word" || got.TOTPSecret != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("target = %s with user %q; vault credentials not used", got, got.Username)
	}

	// An unknown portal is a usage error.
	code, _, stderr = runMainIn(t, ctx, "x\n", []string{"DOCKET_SECRET_KEY=" + strings.Repeat("00", vault.KeySize)},
		"credentials", "set", "nowhere", "--username", "u", "--data-dir", dataDir)
	if code != exitUsage || !strings.Contains(stderr, "nowhere") {
		t.Fatalf("unknown portal: exit %d %s", code, stderr)
	}
}
