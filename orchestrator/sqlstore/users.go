package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

var _ orchestrator.UserStore = (*Store)(nil)

const userColumns = `id, name, role, password_hash, disabled, created_at, updated_at`

// CreateUser stores a new user; a taken name is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u orchestrator.User) (orchestrator.User, error) {
	if err := validateUser(u); err != nil {
		return orchestrator.User{}, fmt.Errorf("sqlstore: create user: %w", err)
	}
	at := s.orNow(u.CreatedAt)
	created, err := scanUser(s.db.QueryRowContext(ctx, s.d.q(`INSERT INTO users
			(name, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING `+userColumns),
		u.Name, string(u.Role), u.PasswordHash, u.Disabled, s.d.ts(at), s.d.ts(at)))
	if err != nil {
		return orchestrator.User{}, fmt.Errorf("sqlstore: create user %s: %w", u.Name, translate(err))
	}
	return created, nil
}

func validateUser(u orchestrator.User) error {
	switch {
	case !orchestrator.ValidUserName(u.Name):
		return fmt.Errorf("%w: user name %q: use 1-64 of a-z, 0-9, . _ - @", orchestrator.ErrInvalid, u.Name)
	case !u.Role.Valid():
		return fmt.Errorf("%w: user %s: role %q", orchestrator.ErrInvalid, u.Name, u.Role)
	case !strings.HasPrefix(u.PasswordHash, "$2"):
		// Only bcrypt hashes are stored; a plain password here is a bug.
		return fmt.Errorf("%w: user %s: password hash is not bcrypt", orchestrator.ErrInvalid, u.Name)
	}
	return nil
}

// User returns the user with the id.
func (s *Store) User(ctx context.Context, id int64) (orchestrator.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.d.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), id))
	if err != nil {
		return orchestrator.User{}, fmt.Errorf("sqlstore: user %d: %w", id, translate(err))
	}
	return u, nil
}

// UserByName returns the user called name.
func (s *Store) UserByName(ctx context.Context, name string) (orchestrator.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.d.q(`SELECT `+userColumns+` FROM users WHERE name = ?`), name))
	if err != nil {
		return orchestrator.User{}, fmt.Errorf("sqlstore: user %q: %w", name, translate(err))
	}
	return u, nil
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]orchestrator.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: users: %w", err)
	}
	defer rows.Close()
	var users []orchestrator.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: users: %w", err)
	}
	return users, nil
}

// UpdateUser stores u's role, password hash and disabled flag. A new
// password hash revokes every API token of the user and ends every
// session, in the same transaction: whoever knew the old password may
// have made them.
func (s *Store) UpdateUser(ctx context.Context, u orchestrator.User) (orchestrator.User, error) {
	if err := validateUser(u); err != nil {
		return orchestrator.User{}, fmt.Errorf("sqlstore: update user: %w", err)
	}
	var updated orchestrator.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var oldHash string
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT password_hash FROM users WHERE id = ?`), u.ID).Scan(&oldHash); err != nil {
			return err
		}
		now := s.d.ts(s.now())
		var err error
		updated, err = scanUser(tx.QueryRowContext(ctx, s.d.q(`UPDATE users
			SET role = ?, password_hash = ?, disabled = ?, updated_at = ?
			WHERE id = ? RETURNING `+userColumns),
			string(u.Role), u.PasswordHash, u.Disabled, now, u.ID))
		if err != nil || oldHash == u.PasswordHash {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`), now, u.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.d.q(`DELETE FROM user_sessions WHERE user_id = ?`), u.ID)
		return err
	})
	if err != nil {
		return orchestrator.User{}, fmt.Errorf("sqlstore: update user %d: %w", u.ID, translate(err))
	}
	return updated, nil
}

func scanUser(r rowScanner) (orchestrator.User, error) {
	var (
		u    orchestrator.User
		role string
	)
	err := r.Scan(&u.ID, &u.Name, &role, &u.PasswordHash, &u.Disabled, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	u.Role = orchestrator.Role(role)
	return u, err
}
