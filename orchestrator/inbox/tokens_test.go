package inbox

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// createToken makes an API token through the tokens page and returns its
// secret and the page.
func (e *env) createToken(t *testing.T, c *http.Client, csrf string, v url.Values) (string, *http.Response, string) {
	t.Helper()
	v.Set("csrf_token", csrf)
	resp, body := do(t, c, form(t, "POST", e.http.URL+"/account/tokens", v))
	i := strings.Index(body, `id="new-token">`)
	if i < 0 {
		return "", resp, body
	}
	secret := body[i+len(`id="new-token">`):]
	return secret[:strings.Index(secret, "<")], resp, body
}

func (e *env) me(t *testing.T, secret string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", e.http.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, _ := do(t, e.client(), req)
	return resp.StatusCode
}

// A token lives 90 days unless its owner picks 1 to 365, is shown with
// its expiry when created, and stops working when it expires.
func TestAPITokensExpire(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := newEnvWith(t, func(c *Config) { c.Now = clock.Now })
	c, csrf := e.login("staff")
	secret, resp, body := e.createToken(t, c, csrf, url.Values{"name": {"script"}})
	want := clock.Now().Add(TokenTTLDefault).UTC().Format("2006-01-02")
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `id="new-token-expires"`) || !strings.Contains(body, want) {
		t.Fatalf("create: %d; the page does not say the token expires on %s", resp.StatusCode, want)
	}
	short, _, _ := e.createToken(t, c, csrf, url.Values{"name": {"short"}, "days": {"1"}})
	for _, days := range []string{"0", "366", "-1", "10y", "99999999999999999999"} {
		if s, resp, _ := e.createToken(t, c, csrf, url.Values{"name": {"bad"}, "days": {days}}); s != "" || resp.StatusCode != http.StatusBadRequest {
			t.Errorf("days=%s: %d, want 400 and no token", days, resp.StatusCode)
		}
	}
	if e.me(t, secret) != http.StatusOK || e.me(t, short) != http.StatusOK {
		t.Fatal("new tokens do not work")
	}
	clock.Add(24 * time.Hour)
	if got := e.me(t, short); got != http.StatusUnauthorized {
		t.Fatalf("a 1-day token after a day: %d, want 401", got)
	}
	clock.Add(TokenTTLDefault)
	if got := e.me(t, secret); got != http.StatusUnauthorized {
		t.Fatalf("a default token after %s: %d, want 401", TokenTTLDefault, got)
	}
	// A token made before tokens expired lives the longest lifetime.
	legacy := apiTokenPrefix + "made-before-expiry"
	_, err := e.store.CreateAPIToken(context.Background(), orchestrator.APIToken{UserID: e.users["staff"].ID, Name: "old",
		TokenHash: hashSecret(legacy), Prefix: legacy[:10], CreatedAt: clock.Now().Add(-TokenTTLMaxDefault)})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.me(t, legacy); got != http.StatusUnauthorized {
		t.Fatalf("a token without expiry older than %s: %d, want 401", TokenTTLMaxDefault, got)
	}
}

// A password change (by an admin) revokes the user's API tokens and
// sessions: whoever knew the old password may have made them.
func TestPasswordChangeRevokesTokensAndSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, csrf := e.login("staff")
	secret, _, _ := e.createToken(t, c, csrf, url.Values{"name": {"script"}})
	if e.me(t, secret) != http.StatusOK {
		t.Fatal("the token does not work")
	}
	admin, acsrf := e.login("admin")
	resp, body := do(t, admin, form(t, "POST", e.http.URL+"/admin/users", url.Values{"csrf_token": {acsrf}, "op": {"update"},
		"name": {"staff"}, "role": {"staff"}, "password": {"a-brand-new-password"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d %s", resp.StatusCode, body)
	}
	if got := e.me(t, secret); got != http.StatusUnauthorized {
		t.Fatalf("the token after a password change: %d, want 401", got)
	}
	req, _ := http.NewRequest("GET", e.http.URL+"/inbox", nil)
	if resp, _ := do(t, c, req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the session after a password change: %d, want a redirect to log in", resp.StatusCode)
	}
	entries, err := e.store.AuditFor(context.Background(), "user:staff", time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var ok bool
	for _, a := range entries {
		ok = ok || (a.Action == "user.updated" && strings.Contains(a.Detail, "password changed"))
	}
	if !ok {
		t.Fatal("the password change is not in the audit log")
	}
}
