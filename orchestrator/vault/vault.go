// Package vault keeps portal credentials sealed with AES-256-GCM in a
// SecretStore. Plaintext exists only in memory of the process that seals
// or opens it; errors name the portal, never a secret.
//
// It imports orchestrator only.
package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// KeySize is the length of the sealing key: AES-256.
const KeySize = 32

// sealVersion leads every sealed value so the format can change later.
const sealVersion byte = 1

// ErrWrongKey reports a sealed value that this key cannot open (another
// key, or the value was altered or moved to another name).
var ErrWrongKey = errors.New("vault: sealed value cannot be opened with this key (wrong key or tampered)")

// Vault seals and opens credentials.
type Vault struct {
	aead  cipher.AEAD
	store orchestrator.SecretStore
	now   func() time.Time
}

// New returns a vault over store sealing with key (32 bytes).
func New(key []byte, store orchestrator.SecretStore) (*Vault, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return &Vault{aead: aead, store: store, now: time.Now}, nil
}

// name is the secret's name for a portal's credential; it is also the
// additional authenticated data, so a sealed value copied to another
// portal's row does not open.
func name(portal string) string { return "credential:" + portal }

// sealed credential fields; JSON keeps the format self-describing.
type sealedCredential struct {
	Username   string `json:"username"`
	Password   string `json:"password"`
	TOTPSecret string `json:"totp_secret,omitempty"`
}

// Set seals c and stores it under its portal.
func (v *Vault) Set(ctx context.Context, c orchestrator.Credential) error {
	if c.Portal == "" || c.Username == "" || c.Password == "" {
		return fmt.Errorf("vault: %w: a credential needs a portal, a username and a password", orchestrator.ErrInvalid)
	}
	plain, err := json.Marshal(sealedCredential{Username: c.Username, Password: c.Password, TOTPSecret: c.TOTPSecret})
	if err != nil {
		return fmt.Errorf("vault: encode credential for %s: %w", c.Portal, err)
	}
	nonce := make([]byte, v.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("vault: nonce: %w", err)
	}
	out := append([]byte{sealVersion}, nonce...)
	out = v.aead.Seal(out, nonce, plain, []byte(name(c.Portal)))
	if err := v.store.PutSecret(ctx, name(c.Portal), out, v.now()); err != nil {
		return fmt.Errorf("vault: store credential for %s: %w", c.Portal, err)
	}
	return nil
}

// Get opens the credential of portal; orchestrator.ErrNotFound when none
// is stored.
func (v *Vault) Get(ctx context.Context, portal string) (orchestrator.Credential, error) {
	sealed, err := v.store.Secret(ctx, name(portal))
	if err != nil {
		return orchestrator.Credential{}, fmt.Errorf("vault: credential for %s: %w", portal, err)
	}
	ns := v.aead.NonceSize()
	if len(sealed) < 1+ns || sealed[0] != sealVersion {
		return orchestrator.Credential{}, fmt.Errorf("vault: credential for %s: %w", portal, ErrWrongKey)
	}
	plain, err := v.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], []byte(name(portal)))
	if err != nil {
		return orchestrator.Credential{}, fmt.Errorf("vault: credential for %s: %w", portal, ErrWrongKey)
	}
	var sc sealedCredential
	if err := json.Unmarshal(plain, &sc); err != nil {
		return orchestrator.Credential{}, fmt.Errorf("vault: credential for %s is malformed", portal)
	}
	return orchestrator.Credential{Portal: portal, Username: sc.Username, Password: sc.Password, TOTPSecret: sc.TOTPSecret}, nil
}
