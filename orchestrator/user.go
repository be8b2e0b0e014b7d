package orchestrator

import (
	"context"
	"fmt"
	"time"
)

// Role is what a person may do in Docket. Each role includes every role
// below it: viewer < staff < supervisor < admin.
type Role string

// Roles, least to most privileged.
const (
	// RoleViewer sees bot health, runs, schedules and queue totals; never
	// patient data.
	RoleViewer Role = "viewer"
	// RoleStaff works the inbox: sees tasks, items and evidence, claims,
	// comments and resolves.
	RoleStaff Role = "staff"
	// RoleSupervisor also assigns tasks, pauses, resumes and starts bots,
	// and reads the audit log.
	RoleSupervisor Role = "supervisor"
	// RoleAdmin also manages users.
	RoleAdmin Role = "admin"
)

// Roles lists every role, least privileged first.
func Roles() []Role { return []Role{RoleViewer, RoleStaff, RoleSupervisor, RoleAdmin} }

// rank orders roles; 0 is not a role.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleStaff:
		return 2
	case RoleSupervisor:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Includes reports whether a person with role r may do what min allows.
// An invalid role includes nothing.
func (r Role) Includes(min Role) bool { return r.Valid() && min.Valid() && r.rank() >= min.rank() }

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("%w: role %q: want viewer, staff, supervisor or admin", ErrInvalid, s)
	}
	return r, nil
}

// User is a local account. Its password is kept only as a bcrypt hash.
type User struct {
	ID           int64
	Name         string // unique, lower case
	Role         Role
	PasswordHash string // bcrypt
	Disabled     bool   // a disabled user cannot log in or use tokens
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ValidUserName reports whether name may name a user: 1 to 64 characters
// of a-z, 0-9, '.', '_', '-' and '@', starting with a letter or digit.
func ValidUserName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-' || c == '@'):
		default:
			return false
		}
	}
	return true
}

// Session is a logged-in browser. The cookie carries a random token; the
// store keeps only its sha256, so a leaked database holds no live cookie.
type Session struct {
	TokenHash string // sha256 of the cookie token, hex
	UserID    int64
	CSRFToken string // synchronizer token for the session's forms
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken lets a program act as a user through the JSON API. Like a
// session, only the sha256 of the secret is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string // what the owner called it
	TokenHash  string // sha256 of the secret, hex
	Prefix     string // the secret's first characters, to recognise it
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time // zero: live
	LastUsedAt time.Time // zero: never used
}

// UserStore keeps users, their browser sessions and API tokens. It returns
// ErrNotFound for missing records and ErrConflict for a duplicate name.
type UserStore interface {
	// CreateUser stores u (Name, Role, PasswordHash, Disabled) and returns
	// it with its ID and times.
	CreateUser(ctx context.Context, u User) (User, error)
	User(ctx context.Context, id int64) (User, error)
	UserByName(ctx context.Context, name string) (User, error)
	// Users lists every user by name.
	Users(ctx context.Context) ([]User, error)
	// UpdateUser stores u's Role, PasswordHash and Disabled. A changed
	// PasswordHash revokes all the user's API tokens and sessions with it.
	UpdateUser(ctx context.Context, u User) (User, error)

	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns the live session with the hash and its user;
	// an expired session is ErrNotFound.
	SessionUser(ctx context.Context, tokenHash string, now time.Time) (Session, User, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions logs a user out everywhere.
	DeleteUserSessions(ctx context.Context, userID int64) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)

	// CreateAPIToken stores t; ExpiresAt zero means it never expires
	// (the web gives every new token an expiry).
	CreateAPIToken(ctx context.Context, t APIToken) (APIToken, error)
	// APITokenUser returns the live (unrevoked, unexpired) token with the
	// hash and its user, and records its use at now.
	APITokenUser(ctx context.Context, tokenHash string, now time.Time) (APIToken, User, error)
	// APITokens lists a user's tokens, newest first.
	APITokens(ctx context.Context, userID int64) ([]APIToken, error)
	// RevokeAPIToken revokes the user's token id; ErrNotFound if the user
	// has no such token.
	RevokeAPIToken(ctx context.Context, userID, id int64, at time.Time) error
}
