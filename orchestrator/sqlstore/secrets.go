package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

var _ orchestrator.SecretStore = (*Store)(nil)

// PutSecret creates or replaces the sealed secret called name.
func (s *Store) PutSecret(ctx context.Context, name string, sealed []byte, at time.Time) error {
	if name == "" || len(sealed) == 0 {
		return fmt.Errorf("sqlstore: put secret: %w: name and sealed value are required", orchestrator.ErrInvalid)
	}
	_, err := s.db.ExecContext(ctx, s.d.q(`INSERT INTO secrets (name, sealed, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`),
		name, sealed, s.d.ts(s.orNow(at)))
	if err != nil {
		return fmt.Errorf("sqlstore: put secret %s: %w", name, translate(err))
	}
	return nil
}

// Secret returns the sealed secret called name.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var sealed []byte
	err := s.db.QueryRowContext(ctx, s.d.q(`SELECT sealed FROM secrets WHERE name = ?`), name).Scan(&sealed)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: secret %s: %w", name, translate(err))
	}
	return sealed, nil
}
