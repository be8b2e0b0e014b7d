package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// CreateSession stores a browser session.
func (s *Store) CreateSession(ctx context.Context, ss orchestrator.Session) error {
	if ss.TokenHash == "" || ss.UserID == 0 || ss.CSRFToken == "" || ss.ExpiresAt.IsZero() {
		return fmt.Errorf("sqlstore: create session: %w: needs a token hash, a user, a CSRF token and an expiry", orchestrator.ErrInvalid)
	}
	_, err := s.db.ExecContext(ctx, s.d.q(`INSERT INTO user_sessions (token_hash, user_id, csrf_token, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`),
		ss.TokenHash, ss.UserID, ss.CSRFToken, s.d.ts(s.orNow(ss.CreatedAt)), s.d.ts(ss.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sqlstore: create session for user %d: %w", ss.UserID, translate(err))
	}
	return nil
}

// SessionUser returns the session with the hash and its user, unless it
// expired at or before now.
func (s *Store) SessionUser(ctx context.Context, tokenHash string, now time.Time) (orchestrator.Session, orchestrator.User, error) {
	var (
		ss   orchestrator.Session
		u    orchestrator.User
		role string
	)
	err := s.db.QueryRowContext(ctx, s.d.q(`SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at,
			u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at
		FROM user_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ?`), tokenHash, s.d.ts(now)).
		Scan(&ss.TokenHash, &ss.UserID, &ss.CSRFToken, timeScan{&ss.CreatedAt}, timeScan{&ss.ExpiresAt},
			&u.ID, &u.Name, &role, &u.PasswordHash, &u.Disabled, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	if err != nil {
		// The hash is a credential: it stays out of the message.
		return orchestrator.Session{}, orchestrator.User{}, fmt.Errorf("sqlstore: session: %w", translate(err))
	}
	u.Role = orchestrator.Role(role)
	return ss, u, nil
}

// DeleteSession ends a session; ending one that does not exist is fine.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.db.ExecContext(ctx, s.d.q(`DELETE FROM user_sessions WHERE token_hash = ?`), tokenHash); err != nil {
		return fmt.Errorf("sqlstore: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.db.ExecContext(ctx, s.d.q(`DELETE FROM user_sessions WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("sqlstore: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired at or before now and
// returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.q(`DELETE FROM user_sessions WHERE expires_at <= ?`), s.d.ts(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired sessions: %w", err)
	}
	return n, nil
}
