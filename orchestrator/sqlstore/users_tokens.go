package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

const tokenColumns = `id, user_id, name, token_hash, prefix, created_at, expires_at, revoked_at, last_used_at`

// CreateAPIToken stores a token (only its hash) and returns it with its ID.
func (s *Store) CreateAPIToken(ctx context.Context, t orchestrator.APIToken) (orchestrator.APIToken, error) {
	if t.UserID == 0 || t.TokenHash == "" || t.Name == "" {
		return orchestrator.APIToken{}, fmt.Errorf("sqlstore: create API token: %w: needs a user, a name and a hash", orchestrator.ErrInvalid)
	}
	created, err := scanToken(s.db.QueryRowContext(ctx, s.d.q(`INSERT INTO api_tokens
			(user_id, name, token_hash, prefix, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING `+tokenColumns),
		t.UserID, t.Name, t.TokenHash, t.Prefix, s.d.ts(s.orNow(t.CreatedAt)), s.d.nullTS(t.ExpiresAt)))
	if err != nil {
		return orchestrator.APIToken{}, fmt.Errorf("sqlstore: create API token for user %d: %w", t.UserID, translate(err))
	}
	return created, nil
}

// APITokenUser returns the live token with the hash and its user and
// records its use at now.
func (s *Store) APITokenUser(ctx context.Context, tokenHash string, now time.Time) (orchestrator.APIToken, orchestrator.User, error) {
	var (
		tok  orchestrator.APIToken
		u    orchestrator.User
		role string
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, s.d.q(`UPDATE api_tokens SET last_used_at = ?
			WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
			RETURNING `+tokenColumns), s.d.ts(now), tokenHash, s.d.ts(now))
		var err error
		if tok, err = scanToken(row); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.d.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), tok.UserID).
			Scan(&u.ID, &u.Name, &role, &u.PasswordHash, &u.Disabled, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	})
	if err != nil {
		return orchestrator.APIToken{}, orchestrator.User{}, fmt.Errorf("sqlstore: API token: %w", translate(err))
	}
	u.Role = orchestrator.Role(role)
	return tok, u, nil
}

// APITokens lists the user's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]orchestrator.APIToken, error) {
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`), userID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: API tokens of user %d: %w", userID, err)
	}
	defer rows.Close()
	var list []orchestrator.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: API tokens of user %d: %w", userID, err)
		}
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: API tokens of user %d: %w", userID, err)
	}
	return list, nil
}

// RevokeAPIToken revokes the user's token; revoking twice keeps the first
// time. Another user's token is ErrNotFound.
func (s *Store) RevokeAPIToken(ctx context.Context, userID, id int64, at time.Time) error {
	res, err := s.db.ExecContext(ctx, s.d.q(`UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?)
		WHERE id = ? AND user_id = ?`), s.d.ts(s.orNow(at)), id, userID)
	if err != nil {
		return fmt.Errorf("sqlstore: revoke API token %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: revoke API token %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlstore: revoke API token %d of user %d: %w", id, userID, orchestrator.ErrNotFound)
	}
	return nil
}

func scanToken(r rowScanner) (orchestrator.APIToken, error) {
	var t orchestrator.APIToken
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.TokenHash, &t.Prefix, timeScan{&t.CreatedAt},
		timeScan{&t.ExpiresAt}, timeScan{&t.RevokedAt}, timeScan{&t.LastUsedAt})
	return t, err
}
