package inbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

// CreateUser hashes password and stores a new user: the one way users are
// made, by the admin page and by `docket users add`.
func CreateUser(ctx context.Context, users orchestrator.UserStore, name string, role orchestrator.Role, password string) (orchestrator.User, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if !orchestrator.ValidUserName(name) {
		return orchestrator.User{}, fmt.Errorf("%w: user name %q: use 1-64 of a-z, 0-9, . _ - @", orchestrator.ErrInvalid, name)
	}
	if !role.Valid() {
		return orchestrator.User{}, fmt.Errorf("%w: role %q: want viewer, staff, supervisor or admin", orchestrator.ErrInvalid, role)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return orchestrator.User{}, err
	}
	return users.CreateUser(ctx, orchestrator.User{Name: name, Role: role, PasswordHash: hash})
}

type usersView struct {
	Users []orchestrator.User
	Roles []orchestrator.Role
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, p *principal) {
	s.renderUsers(w, r, p, http.StatusOK, "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, p *principal, status int, errMsg string) {
	list, err := s.cfg.Users.Users(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, p, status, "users", view{Title: "Users", Nav: "users", Flash: flash(r), Error: errMsg,
		Data: usersView{Users: list, Roles: orchestrator.Roles()}})
}

// saveUser creates a user (op=create) or changes one's role, password or
// disabled flag (op=update). Disabling or demoting logs the user out.
func (s *Server) saveUser(w http.ResponseWriter, r *http.Request, p *principal) {
	err := s.saveUserForm(r, p)
	if err != nil {
		status, _ := statusFor(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, false, err)
			return
		}
		s.renderUsers(w, r, p, status, publicMessage(err))
		return
	}
	http.Redirect(w, r, "/admin/users?ok=user", http.StatusSeeOther)
}

func (s *Server) saveUserForm(r *http.Request, p *principal) error {
	ctx := r.Context()
	f := r.PostForm
	role, err := orchestrator.ParseRole(f.Get("role"))
	if err != nil {
		return err
	}
	switch f.Get("op") {
	case "create":
		u, err := CreateUser(ctx, s.cfg.Users, f.Get("name"), role, f.Get("password"))
		if err != nil {
			return err
		}
		s.audit(r, p.User.Name, "user.created", "user:"+u.Name, "role "+string(role))
		return nil
	case "update":
		u, err := s.cfg.Users.UserByName(ctx, strings.ToLower(strings.TrimSpace(f.Get("name"))))
		if err != nil {
			return err
		}
		if u.ID == p.User.ID && (role != u.Role || f.Get("disabled") == "on") {
			return fmt.Errorf("%w: you cannot change your own role or disable yourself", orchestrator.ErrInvalid)
		}
		newPassword := f.Get("password") != ""
		if newPassword {
			if u.PasswordHash, err = HashPassword(f.Get("password")); err != nil {
				return err
			}
		}
		u.Role, u.Disabled = role, f.Get("disabled") == "on"
		if _, err := s.cfg.Users.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := s.cfg.Users.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		detail := "role " + string(role)
		if u.Disabled {
			detail += ", disabled"
		}
		if newPassword {
			detail += ", password changed (sessions and API tokens revoked)"
		}
		s.audit(r, p.User.Name, "user.updated", "user:"+u.Name, detail)
		return nil
	}
	return errors.Join(orchestrator.ErrInvalid, errors.New("op must be create or update"))
}

// UserJSON is a user as the API shows it: never the password hash.
type UserJSON struct {
	ID       int64             `json:"id"`
	Name     string            `json:"name"`
	Role     orchestrator.Role `json:"role"`
	Disabled bool              `json:"disabled"`
}

func userJSON(u orchestrator.User) UserJSON {
	return UserJSON{ID: u.ID, Name: u.Name, Role: u.Role, Disabled: u.Disabled}
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, _ *principal) {
	list, err := s.cfg.Users.Users(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := make([]UserJSON, 0, len(list))
	for _, u := range list {
		out = append(out, userJSON(u))
	}
	writeJSON(w, http.StatusOK, UsersJSON{Users: out})
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, p *principal) {
	writeJSON(w, http.StatusOK, userJSON(p.User))
}
