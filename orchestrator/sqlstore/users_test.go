package sqlstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// runUserConformance checks the UserStore and bot pause methods on one
// dialect; it lives beside the main conformance suite, which it mirrors.
func runUserConformance(t *testing.T, open func(t *testing.T) *Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *Store)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"APITokens", testAPITokens},
		{"PasswordChangeRevokes", testPasswordChangeRevokes},
		{"BotPauses", testBotPauses},
		{"LoginThrottle", testLoginThrottle},
		{"LoginThrottleConcurrent", testLoginThrottleConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

func TestUsersSQLite(t *testing.T) {
	t.Parallel()
	runUserConformance(t, openSQLiteT)
}

func TestUsersPostgres(t *testing.T) {
	t.Parallel()
	runUserConformance(t, openPostgresT)
}

const fakeBcrypt = "$2a$10$abcdefghijklmnopqrstuuJ0w0w0w0w0w0w0w0w0w0w0w0w0w0w0w"

func mustUser(t *testing.T, s *Store, name string, role orchestrator.Role) orchestrator.User {
	t.Helper()
	u, err := s.CreateUser(ctxT(t), orchestrator.User{Name: name, Role: role, PasswordHash: fakeBcrypt})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

func testUsers(t *testing.T, s *Store) {
	ctx := ctxT(t)
	u := mustUser(t, s, "ana", orchestrator.RoleStaff)
	if u.ID == 0 || u.CreatedAt.IsZero() || u.Role != orchestrator.RoleStaff || u.Disabled {
		t.Fatalf("created %+v", u)
	}
	_, err := s.CreateUser(ctx, orchestrator.User{Name: "ana", Role: orchestrator.RoleAdmin, PasswordHash: fakeBcrypt})
	wantErr(t, err, orchestrator.ErrConflict)
	for _, bad := range []orchestrator.User{
		{Name: "Ana", Role: orchestrator.RoleStaff, PasswordHash: fakeBcrypt},
		{Name: "bo'; DROP TABLE users; --", Role: orchestrator.RoleStaff, PasswordHash: fakeBcrypt},
		{Name: "bo", Role: "root", PasswordHash: fakeBcrypt},
		{Name: "bo", Role: orchestrator.RoleStaff, PasswordHash: "plaintext"},
	} {
		_, err := s.CreateUser(ctx, bad)
		wantErr(t, err, orchestrator.ErrInvalid)
	}
	got, err := s.UserByName(ctx, "ana")
	if err != nil || got.ID != u.ID {
		t.Fatalf("by name: %+v %v", got, err)
	}
	_, err = s.UserByName(ctx, "nobody")
	wantErr(t, err, orchestrator.ErrNotFound)
	got.Role, got.Disabled = orchestrator.RoleSupervisor, true
	if _, err := s.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	got, err = s.User(ctx, u.ID)
	if err != nil || got.Role != orchestrator.RoleSupervisor || !got.Disabled {
		t.Fatalf("after update: %+v %v", got, err)
	}
	mustUser(t, s, "bo", orchestrator.RoleViewer)
	list, err := s.Users(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "ana" || list[1].Name != "bo" {
		t.Fatalf("users: %+v %v", list, err)
	}
	_, err = s.UpdateUser(ctx, orchestrator.User{ID: 999, Name: "x", Role: orchestrator.RoleStaff, PasswordHash: fakeBcrypt})
	wantErr(t, err, orchestrator.ErrNotFound)
}

func testSessions(t *testing.T, s *Store) {
	ctx := ctxT(t)
	u := mustUser(t, s, "ana", orchestrator.RoleStaff)
	other := mustUser(t, s, "bo", orchestrator.RoleStaff)
	ss := orchestrator.Session{TokenHash: "h1", UserID: u.ID, CSRFToken: "c1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.CreateSession(ctx, ss); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.CreateSession(ctx, ss), orchestrator.ErrConflict)
	wantErr(t, s.CreateSession(ctx, orchestrator.Session{TokenHash: "h"}), orchestrator.ErrInvalid)
	got, gu, err := s.SessionUser(ctx, "h1", t0.Add(time.Minute))
	if err != nil || got.CSRFToken != "c1" || gu.Name != "ana" || !got.ExpiresAt.Equal(dbTime(t0.Add(time.Hour))) {
		t.Fatalf("session: %+v %+v %v", got, gu, err)
	}
	_, _, err = s.SessionUser(ctx, "h1", t0.Add(time.Hour))
	wantErr(t, err, orchestrator.ErrNotFound)
	if err := s.CreateSession(ctx, orchestrator.Session{TokenHash: "h2", UserID: u.ID, CSRFToken: "c", ExpiresAt: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, orchestrator.Session{TokenHash: "h3", UserID: other.ID, CSRFToken: "c", ExpiresAt: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeleteExpiredSessions(ctx, t0.Add(90*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("expired removed %d, %v; want 1", n, err)
	}
	if err := s.DeleteUserSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SessionUser(ctx, "h2", t0)
	wantErr(t, err, orchestrator.ErrNotFound)
	if _, _, err := s.SessionUser(ctx, "h3", t0); err != nil {
		t.Fatalf("other user's session gone: %v", err)
	}
	if err := s.DeleteSession(ctx, "h3"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "h3"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	_, _, err = s.SessionUser(ctx, "h3", t0)
	wantErr(t, err, orchestrator.ErrNotFound)
}

func testAPITokens(t *testing.T, s *Store) {
	ctx := ctxT(t)
	u := mustUser(t, s, "ana", orchestrator.RoleStaff)
	other := mustUser(t, s, "bo", orchestrator.RoleStaff)
	tok, err := s.CreateAPIToken(ctx, orchestrator.APIToken{UserID: u.ID, Name: "ci", TokenHash: "th1", Prefix: "dkt_ab", CreatedAt: t0})
	if err != nil || tok.ID == 0 || !tok.ExpiresAt.IsZero() {
		t.Fatalf("create: %+v %v", tok, err)
	}
	_, err = s.CreateAPIToken(ctx, orchestrator.APIToken{UserID: u.ID, Name: "dup", TokenHash: "th1"})
	wantErr(t, err, orchestrator.ErrConflict)
	exp, err := s.CreateAPIToken(ctx, orchestrator.APIToken{UserID: u.ID, Name: "short", TokenHash: "th2", ExpiresAt: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got, gu, err := s.APITokenUser(ctx, "th1", t0.Add(time.Minute))
	if err != nil || got.ID != tok.ID || gu.ID != u.ID || !got.LastUsedAt.Equal(dbTime(t0.Add(time.Minute))) {
		t.Fatalf("use: %+v %+v %v", got, gu, err)
	}
	_, _, err = s.APITokenUser(ctx, "th2", t0.Add(2*time.Hour))
	wantErr(t, err, orchestrator.ErrNotFound)
	wantErr(t, s.RevokeAPIToken(ctx, other.ID, tok.ID, t0), orchestrator.ErrNotFound)
	if err := s.RevokeAPIToken(ctx, u.ID, tok.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.APITokenUser(ctx, "th1", t0.Add(2*time.Minute))
	wantErr(t, err, orchestrator.ErrNotFound)
	list, err := s.APITokens(ctx, u.ID)
	if err != nil || len(list) != 2 || list[0].ID != exp.ID || list[1].RevokedAt.IsZero() {
		t.Fatalf("list: %+v %v", list, err)
	}
	if list, err := s.APITokens(ctx, other.ID); err != nil || len(list) != 0 {
		t.Fatalf("other's list: %+v %v", list, err)
	}
}

func testBotPauses(t *testing.T, s *Store) {
	ctx := ctxT(t)
	if err := s.SetBotPaused(ctx, "coding-holds", true, "user:sam", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBotPaused(ctx, "coding-holds", true, "user:sam", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	paused, err := s.PausedBots(ctx)
	if err != nil || len(paused) != 1 || !paused["coding-holds"].Equal(dbTime(t0)) {
		t.Fatalf("paused: %v %v", paused, err)
	}
	if err := s.SetBotPaused(ctx, "coding-holds", false, "user:sam", t0); err != nil {
		t.Fatal(err)
	}
	paused, err = s.PausedBots(ctx)
	if err != nil || len(paused) != 0 {
		t.Fatalf("after resume: %v %v", paused, err)
	}
	if err := s.SetBotPaused(ctx, "coding-holds", false, "user:sam", t0); err != nil {
		t.Fatalf("resume twice: %v", err)
	}
}

// testPasswordChangeRevokes: a new password hash revokes the user's API
// tokens and ends their sessions; a role change keeps them; other users
// keep theirs.
func testPasswordChangeRevokes(t *testing.T, s *Store) {
	ctx := ctxT(t)
	u := mustUser(t, s, "ana", orchestrator.RoleStaff)
	other := mustUser(t, s, "bo", orchestrator.RoleStaff)
	far := t0.Add(24 * time.Hour)
	for i, id := range []int64{u.ID, other.ID} {
		if _, err := s.CreateAPIToken(ctx, orchestrator.APIToken{UserID: id, Name: "ci", TokenHash: fmt.Sprint("tok", i), Prefix: "dkt_ab"}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, orchestrator.Session{TokenHash: fmt.Sprint("ses", i), UserID: id, CSRFToken: "c", ExpiresAt: far}); err != nil {
			t.Fatal(err)
		}
	}
	live := func(tok, ses string) (bool, bool) {
		_, _, errT := s.APITokenUser(ctx, tok, t0)
		_, _, errS := s.SessionUser(ctx, ses, t0)
		return errT == nil, errS == nil
	}
	u.Role = orchestrator.RoleSupervisor
	if _, err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if tok, ses := live("tok0", "ses0"); !tok || !ses {
		t.Fatalf("a role change revoked the token (%v) or the session (%v)", !tok, !ses)
	}
	u.PasswordHash = "$2a$10$zyxwvutsrqponmlkjihgfeJ0w0w0w0w0w0w0w0w0w0w0w0w0w0w0w"
	if _, err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if tok, ses := live("tok0", "ses0"); tok || ses {
		t.Fatalf("after a password change: token live %v, session live %v", tok, ses)
	}
	if tok, ses := live("tok1", "ses1"); !tok || !ses {
		t.Fatal("another user's token or session went too")
	}
	list, err := s.APITokens(ctx, u.ID)
	if err != nil || len(list) != 1 || list[0].RevokedAt.IsZero() {
		t.Fatalf("tokens after the change: %+v %v", list, err)
	}
}
