package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/bundle"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"go.uber.org/zap"
	"golang.org/x/mod/sumdb/note"
)

// ledgerKeyName names the ledger's signing key in checkpoints.
const ledgerKeyName = "docket-ledger"

// ledgerKeyPath is ledger_key_file, or <data_dir>/ledger.key.
func (a *app) ledgerKeyPath() string {
	return orDefault(a.cfg.LedgerKeyFile, filepath.Join(a.cfg.DataDir, "ledger.key"))
}

// ledgerSigner loads the ledger's signing key from its key file (two
// lines: the note signer key, then its verifier key), creating the file
// when create is set and it is missing. The key never goes into the
// database: a database writer must not be able to sign.
func (a *app) ledgerSigner(create bool) (ledgerKey, error) {
	if a.cfg.LedgerKey != "" {
		k, err := parseLedgerKey(a.cfg.LedgerKey)
		if err != nil {
			return ledgerKey{}, &ConfigError{Msg: "ledger_key: " + err.Error()}
		}
		return k, nil
	}
	path := a.ledgerKeyPath()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		data, err = newLedgerKey(path)
	}
	if err != nil {
		return ledgerKey{}, fmt.Errorf("ledger key: %w", err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return ledgerKey{}, fmt.Errorf("ledger key file %s is readable by others (mode %o); chmod 600 it", path, info.Mode().Perm())
	}
	skey, vkey, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	signer, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return ledgerKey{}, fmt.Errorf("ledger key file %s: %w", path, err)
	}
	vkey = strings.TrimSpace(vkey)
	verifier, err := note.NewVerifier(vkey)
	if err != nil || verifier.KeyHash() != signer.KeyHash() {
		return ledgerKey{}, fmt.Errorf("ledger key file %s: second line is not the first line's verifier key", path)
	}
	return ledgerKey{signer, verifier, vkey}, nil
}

// parseLedgerKey reads a note signer key and derives its verifier key:
// "PRIVATE+KEY+<name>+<hash>+<base64 of 0x01 and the ed25519 seed>".
func parseLedgerKey(skey string) (ledgerKey, error) {
	skey = strings.TrimSpace(skey)
	signer, err := note.NewSigner(skey)
	if err != nil {
		return ledgerKey{}, errors.New("not a signer key from docket audit keygen")
	}
	parts := strings.SplitN(skey, "+", 5) // base64 may hold "+" itself
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return ledgerKey{}, errors.New("not an ed25519 signer key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return ledgerKey{}, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil || verifier.KeyHash() != signer.KeyHash() {
		return ledgerKey{}, errors.New("the key does not check its own signatures")
	}
	return ledgerKey{signer, verifier, vkey}, nil
}

// ledgerKey is the ledger's signing key with its public half.
type ledgerKey struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string // verifier key text
}

func newLedgerKey(path string) ([]byte, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, ledgerKeyName)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	// Written aside and linked into place, so a process starting at the
	// same time reads either no file or a whole one.
	f, err := os.CreateTemp(filepath.Dir(path), ".ledger-key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	data := []byte(skey + "\n" + vkey + "\n")
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(f.Name(), path); errors.Is(err, os.ErrExist) {
		return os.ReadFile(path) // another process made it first
	} else if err != nil {
		return nil, err
	}
	return data, nil
}

// ledgerVerifierKey is the public key checkpoints and bundles are checked
// against: ledger_verifier_key when set (pin it on machines that only
// verify), otherwise the key file's; "" when neither exists.
func (a *app) ledgerVerifierKey() (string, error) {
	if a.cfg.LedgerVerifierKey != "" {
		if _, err := note.NewVerifier(a.cfg.LedgerVerifierKey); err != nil {
			return "", &ConfigError{Msg: "ledger_verifier_key: " + err.Error()}
		}
		return a.cfg.LedgerVerifierKey, nil
	}
	if _, err := os.Stat(a.ledgerKeyPath()); a.cfg.LedgerKey == "" && errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	k, err := a.ledgerSigner(false)
	return k.vkey, err
}

// ledgerVerifier is ledgerVerifierKey as a verifier; it must exist.
func (a *app) ledgerVerifier() (note.Verifier, error) {
	vkey, err := a.ledgerVerifierKey()
	if err != nil {
		return nil, err
	}
	if vkey == "" {
		return nil, fmt.Errorf("no ledger key: set ledger_verifier_key or ledger_key_file (%s does not exist)", a.ledgerKeyPath())
	}
	return note.NewVerifier(vkey)
}

// checkpointer builds the ledger's checkpointer over the store and the
// evidence bucket with the signing key (created if missing).
func (a *app) checkpointer(st orchestrator.LedgerStore, ev *evidence.Store) (*orchestrator.Checkpointer, error) {
	k, err := a.ledgerSigner(true)
	if err != nil {
		return nil, err
	}
	return orchestrator.NewCheckpointer(orchestrator.CheckpointerConfig{
		Ledger: st, Store: ev, Signer: k.signer, Verifier: k.verifier,
		ErrorFunc: func(err error) { a.log.Error("ledger checkpoint failed", zap.Error(err)) },
	})
}

// startCheckpoints signs a checkpoint now, then every minute, and a last
// one when the app closes.
func (a *app) startCheckpoints(ctx context.Context, st orchestrator.LedgerStore, ev *evidence.Store) error {
	c, err := a.checkpointer(st, ev)
	if err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return err
	}
	a.onClose(c.Stop)
	return nil
}

// bundleSigning is what an evidence export signs with.
func (a *app) bundleSigning(st orchestrator.LedgerStore, ev *evidence.Store) (bundle.Signing, error) {
	k, err := a.ledgerSigner(true)
	if err != nil {
		return bundle.Signing{}, err
	}
	c, err := a.checkpointer(st, ev)
	if err != nil {
		return bundle.Signing{}, err
	}
	return bundle.Signing{Ledger: st, Checkpoint: c.Checkpoint, Signer: k.signer, VerifierKey: k.vkey}, nil
}
