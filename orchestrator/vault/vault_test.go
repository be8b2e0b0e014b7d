package vault

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

func newStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.OpenAndMigrate(context.Background(), sqlstore.Config{URL: filepath.Join(t.TempDir(), "v.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestSealAndOpen(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	v, err := New(key(1), st)
	if err != nil {
		t.Fatal(err)
	}
	want := orchestrator.Credential{Portal: "coding-worklist", Username: "coder", Password: "pa55-word", TOTPSecret: "JBSWY3DPEHPK3PXP"}
	if err := v.Set(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := v.Get(ctx, "coding-worklist")
	if err != nil || got.Username != want.Username || got.Password != want.Password || got.TOTPSecret != want.TOTPSecret {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	// At rest the secret is sealed: neither password nor TOTP secret appears.
	sealed, err := st.Secret(ctx, "credential:coding-worklist")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("pa55-word")) || bytes.Contains(sealed, []byte("JBSWY3DPEHPK3PXP")) {
		t.Fatal("plaintext secret stored")
	}
	// Another key cannot open it, and the error names no secret.
	other, _ := New(key(2), st)
	_, err = other.Get(ctx, "coding-worklist")
	if !errors.Is(err, ErrWrongKey) || strings.Contains(err.Error(), "pa55") {
		t.Fatalf("wrong key: err = %v", err)
	}
	// A sealed value moved to another portal's row does not open.
	if err := st.PutSecret(ctx, "credential:claim-scrubber", sealed, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(ctx, "claim-scrubber"); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("moved secret: err = %v", err)
	}
	if _, err := v.Get(ctx, "nowhere"); !errors.Is(err, orchestrator.ErrNotFound) {
		t.Fatalf("missing: err = %v", err)
	}
	if err := v.Set(ctx, orchestrator.Credential{Portal: "p", Username: "u"}); !errors.Is(err, orchestrator.ErrInvalid) {
		t.Fatalf("no password: err = %v", err)
	}
	if s := want.String(); strings.Contains(s, "pa55") || strings.Contains(s, "JBSW") {
		t.Fatalf("String leaks a secret: %s", s)
	}
}

func TestSealIsRandomised(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	v, _ := New(key(3), st)
	c := orchestrator.Credential{Portal: "p", Username: "u", Password: "same"}
	var mu sync.Mutex
	seen := map[string]bool{}
	for range 3 {
		if err := v.Set(ctx, c); err != nil {
			t.Fatal(err)
		}
		s, _ := st.Secret(ctx, "credential:p")
		mu.Lock()
		seen[string(s)] = true
		mu.Unlock()
	}
	if len(seen) != 3 {
		t.Fatal("sealing the same credential twice gave the same bytes (nonce reuse)")
	}
}

func TestKeys(t *testing.T) {
	if _, err := ParseKey("short"); err == nil {
		t.Fatal("short key accepted")
	}
	if k, err := ParseKey(strings.Repeat("ab", 32)); err != nil || len(k) != KeySize {
		t.Fatalf("hex key: %v", err)
	}
	path := filepath.Join(t.TempDir(), "secret.key")
	if _, err := LoadKeyFile(path, false); err == nil {
		t.Fatal("missing key file accepted")
	}
	k1, err := LoadKeyFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadKeyFile(path, true)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("key file not reused: %v", err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyFile(path, false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key file: err = %v", err)
	}
}
