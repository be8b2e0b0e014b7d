package orchestrator

import (
	"context"
	"time"
)

// Credential is what a bot logs in to a portal with. It is a secret: it
// never goes into task payloads, logs, metrics or error messages.
type Credential struct {
	Portal     string
	Username   string
	Password   string
	TOTPSecret string // base32; empty when the portal asks no second factor
	UpdatedAt  time.Time
}

// String hides everything but the portal and user.
func (c Credential) String() string {
	return "credential for " + c.Portal + " (user " + c.Username + ")"
}

// SecretStore keeps sealed (encrypted) secrets by name. It never sees a
// plaintext secret.
type SecretStore interface {
	// PutSecret creates or replaces the sealed secret called name.
	PutSecret(ctx context.Context, name string, sealed []byte, at time.Time) error
	// Secret returns the sealed secret called name, or ErrNotFound.
	Secret(ctx context.Context, name string) ([]byte, error)
}
