package inbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/docket-rpa/docket/orchestrator"
)

type tokensView struct {
	Tokens []orchestrator.APIToken
	// New is the secret of a token just created, shown once.
	New string
}

// newAPIToken creates a token for the principal's user and returns its
// secret, which is not stored and cannot be shown again.
func (s *Server) newAPIToken(r *http.Request, p *principal, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", fmt.Errorf("%w: a token needs a name of 1 to 100 characters", orchestrator.ErrInvalid)
	}
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	secret = apiTokenPrefix + secret
	t, err := s.cfg.Users.CreateAPIToken(r.Context(), orchestrator.APIToken{
		UserID: p.User.ID, Name: name, TokenHash: hashSecret(secret), Prefix: secret[:len(apiTokenPrefix)+6], CreatedAt: s.cfg.Now(),
	})
	if err != nil {
		return "", err
	}
	s.audit(r, p.User.Name, "token.created", "user:"+p.User.Name, "token "+strconv.FormatInt(t.ID, 10))
	return secret, nil
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, p *principal) {
	s.renderTokens(w, r, p, http.StatusOK, "", "")
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, p *principal, status int, secret, errMsg string) {
	list, err := s.cfg.Users.APITokens(r.Context(), p.User.ID)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	v := view{Title: "API tokens", Flash: flash(r), Error: errMsg, Data: tokensView{Tokens: list, New: secret}}
	if secret != "" {
		v.Flash = flashes["token"]
	}
	s.render(w, r, p, status, "tokens", v)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p *principal) {
	secret, err := s.newAPIToken(r, p, r.PostFormValue("name"))
	if err != nil {
		status, _ := statusFor(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, false, err)
			return
		}
		s.renderTokens(w, r, p, status, "", publicMessage(err))
		return
	}
	// Rendered, not redirected: the secret must not travel in a URL.
	s.renderTokens(w, r, p, http.StatusCreated, secret, "")
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p *principal) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderStatus(w, r, p, http.StatusNotFound, "no such token")
		return
	}
	if err := s.cfg.Users.RevokeAPIToken(r.Context(), p.User.ID, id, s.cfg.Now()); err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.audit(r, p.User.Name, "token.revoked", "user:"+p.User.Name, "token "+strconv.FormatInt(id, 10))
	http.Redirect(w, r, "/account/tokens?ok=revoked", http.StatusSeeOther)
}
