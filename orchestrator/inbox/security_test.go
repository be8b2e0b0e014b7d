package inbox

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func form(t *testing.T, method, u string, v url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestLoginAndCookies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()

	resp, body := do(t, c, form(t, "POST", e.http.URL+"/login", url.Values{"name": {"staff"}, "password": {"wrong-password"}, "next": {"/inbox"}}))
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password.") {
		t.Fatalf("wrong password: %d %s", resp.StatusCode, body)
	}
	resp, _ = do(t, c, form(t, "POST", e.http.URL+"/login", url.Values{"name": {"nobody"}, "password": {"whatever-pw"}}))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", resp.StatusCode)
	}

	resp, _ = do(t, c, form(t, "POST", e.http.URL+"/login", url.Values{"name": {" Staff "}, "password": {"staff-pass"}, "next": {"//evil.example/x"}}))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login with a foreign next: %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on plain HTTP", session)
	}
	if _, _, err := e.store.SessionUser(context.Background(), session.Value, time.Now()); err == nil {
		t.Fatal("the store keeps the raw session token; it must keep only its hash")
	}

	req, _ := http.NewRequest("GET", e.http.URL+"/inbox", nil)
	resp, body = do(t, c, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="tasks"`) {
		t.Fatalf("inbox after login: %d", resp.StatusCode)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("pages with patient data must not be cached: %q", resp.Header.Get("Cache-Control"))
	}

	// Logging out ends the session on the server, not just the cookie.
	ss, _, err := e.store.SessionUser(context.Background(), hashSecret(session.Value), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = do(t, c, form(t, "POST", e.http.URL+"/logout", url.Values{"csrf_token": {ss.CSRFToken}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	replay, _ := http.NewRequest("GET", e.http.URL+"/inbox", nil)
	replay.AddCookie(session)
	resp, _ = do(t, e.client(), replay)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("old cookie after logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A disabled user cannot log in, and their sessions stop working.
	u := e.users["staff2"]
	cookie, _ := e.session("staff2")
	u.Disabled = true
	if _, err := e.store.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	resp, _ = do(t, e.client(), form(t, "POST", e.http.URL+"/login", url.Values{"name": {"staff2"}, "password": {"staff2-pass"}}))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("disabled user logged in: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", e.http.URL+"/inbox", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	if resp, _ = do(t, e.client(), req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disabled user's session still works: %d", resp.StatusCode)
	}
	e.noPHIInLogs()
}

func TestSecureCookieOverTLSAndWhenConfigured(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ts := httptest.NewTLSServer(e.srv.Handler())
	defer ts.Close()
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test server
	req := form(t, "POST", ts.URL+"/login", url.Values{"name": {"viewer"}, "password": {"viewer-pass"}})
	req.Header.Set("Origin", ts.URL)
	resp, _ := do(t, c, req)
	if len(resp.Cookies()) == 0 || !resp.Cookies()[0].Secure {
		t.Fatalf("cookie over TLS: %+v, want Secure", resp.Cookies())
	}

	secure := newEnvWith(t, func(c *Config) { c.SecureCookies = true })
	resp, _ = do(t, secure.client(), form(t, "POST", secure.http.URL+"/login", url.Values{"name": {"viewer"}, "password": {"viewer-pass"}}))
	if len(resp.Cookies()) == 0 || !resp.Cookies()[0].Secure {
		t.Fatalf("cookie with SecureCookies: %+v, want Secure", resp.Cookies())
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	task := strconv.FormatInt(e.tasks[2].ID, 10)
	cookie, csrf := e.session("staff")
	post := func(v url.Values, hdr map[string]string) *http.Response {
		req := form(t, "POST", e.http.URL+"/tasks/"+task+"/claim", v)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		for k, val := range hdr {
			req.Header.Set(k, val)
		}
		resp, _ := do(t, e.client(), req)
		return resp
	}
	if r := post(url.Values{}, nil); r.StatusCode != http.StatusForbidden || r.Header.Get(deniedHeader) != "csrf" {
		t.Errorf("no token: %d %s", r.StatusCode, r.Header.Get(deniedHeader))
	}
	if r := post(url.Values{"csrf_token": {"forged"}}, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %d", r.StatusCode)
	}
	_, otherCSRF := e.session("staff")
	if r := post(url.Values{"csrf_token": {otherCSRF}}, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("another session's token: %d", r.StatusCode)
	}
	if r := post(url.Values{"csrf_token": {csrf}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site with a valid token: %d", r.StatusCode)
	}
	if r := post(url.Values{"csrf_token": {csrf}}, map[string]string{"Origin": "https://evil.example"}); r.StatusCode != http.StatusForbidden {
		t.Errorf("foreign origin with a valid token: %d", r.StatusCode)
	}
	got, err := e.store.Task(context.Background(), e.tasks[2].ID)
	if err != nil || got.Assignee != "" {
		t.Fatalf("a refused request changed the task: %+v %v", got, err)
	}
	if r := post(url.Values{"csrf_token": {csrf}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("valid token: %d", r.StatusCode)
	}

	// The JSON API with a session needs the header; with a token it needs none.
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/tasks/"+strconv.FormatInt(e.tasks[3].ID, 10)+"/claim", strings.NewReader("{}"))
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	req.Header.Set("Content-Type", "application/json")
	if resp, _ := do(t, e.client(), req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("API with session, no CSRF header: %d", resp.StatusCode)
	}
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, csrf := e.login("staff")
	resp, body := do(t, c, form(t, "POST", e.http.URL+"/account/tokens", url.Values{"csrf_token": {csrf}, "name": {"<b>script</b>"}}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create token: %d", resp.StatusCode)
	}
	i := strings.Index(body, `id="new-token">`)
	if i < 0 {
		t.Fatal("the new token is not shown")
	}
	secret := body[i+len(`id="new-token">`):]
	secret = secret[:strings.Index(secret, "<")]
	if !strings.HasPrefix(secret, apiTokenPrefix) || strings.Contains(body, "<b>script</b>") {
		t.Fatalf("token %q, or its name rendered as markup", secret)
	}
	api := func(method, path, tok string, body string) (*http.Response, string) {
		req, _ := http.NewRequest(method, e.http.URL+path, strings.NewReader(body))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		req.Header.Set("Content-Type", "application/json")
		return do(t, e.client(), req)
	}
	resp, body = api("GET", "/api/v1/me", secret, "")
	var me UserJSON
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &me) != nil || me.Name != "staff" || strings.Contains(body, "$2") {
		t.Fatalf("me: %d %s", resp.StatusCode, body)
	}
	if resp, _ = api("GET", "/api/v1/audit", secret, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a staff token reached a supervisor route: %d", resp.StatusCode)
	}
	if resp, _ = api("GET", "/api/v1/me", secret+"x", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
	if resp, _ = api("GET", "/api/v1/me", "not-a-docket-token", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("foreign token: %d", resp.StatusCode)
	}

	toks, err := e.store.APITokens(context.Background(), e.users["staff"].ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens: %v %v", toks, err)
	}
	// Another user cannot revoke it.
	c2, csrf2 := e.login("staff2")
	resp, _ = do(t, c2, form(t, "POST", e.http.URL+"/account/tokens/"+strconv.FormatInt(toks[0].ID, 10)+"/revoke", url.Values{"csrf_token": {csrf2}}))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoke someone else's token: %d, want 404", resp.StatusCode)
	}
	resp, _ = do(t, c, form(t, "POST", e.http.URL+"/account/tokens/"+strconv.FormatInt(toks[0].ID, 10)+"/revoke", url.Values{"csrf_token": {csrf}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if resp, _ = api("GET", "/api/v1/me", secret, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token still works: %d", resp.StatusCode)
	}
	entries, err := e.store.AuditFor(context.Background(), "user:staff", time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range entries {
		actions = append(actions, a.Action)
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "token.created") || !strings.Contains(got, "token.revoked") || !strings.Contains(got, "user.login") {
		t.Errorf("audit of user:staff = %s", got)
	}
	e.noPHIInLogs()
}

func TestEvidenceAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	get := func(who, path string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", e.http.URL+path, nil)
		if who != "" {
			cookie, _ := e.session(who)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		}
		return do(t, e.client(), req)
	}
	shot := "/evidence/" + strconv.FormatInt(e.screenshot.ID, 10)
	if resp, _ := get("viewer", shot); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer opened a screenshot: %d", resp.StatusCode)
	}
	resp, body := get("staff", shot)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("staff screenshot: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, body = get("staff", "/evidence/"+strconv.FormatInt(e.dom.ID, 10))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(body, "<script>") {
		t.Fatalf("DOM snapshot must be served as inert text: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, bad := range []string{"/evidence/999999", "/evidence/-1", "/evidence/abc", "/evidence/" + e.screenshot.SHA256} {
		if resp, _ := get("staff", bad); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, resp.StatusCode)
		}
	}
	entries, err := e.store.AuditFor(context.Background(), orchestrator.AuditSubjectItem(e.items[0].ID)+"/evidence:"+strconv.FormatInt(e.screenshot.ID, 10), time.Time{}, 10)
	if err != nil || len(entries) != 1 || entries[0].Actor != orchestrator.UserActor("staff") || entries[0].Action != "evidence.viewed" {
		t.Fatalf("evidence view audit: %+v %v", entries, err)
	}
}

func TestSchedulesPauseResumeRunNow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, csrf := e.login("supervisor")
	for _, step := range []struct{ path, want string }{
		{"/schedules/coding-holds/pause", "paused since"},
		{"/schedules/coding-holds/resume", "active"},
		{"/schedules/coding-holds/run", "Run enqueued."},
	} {
		resp, _ := do(t, c, form(t, "POST", e.http.URL+step.path, url.Values{"csrf_token": {csrf}}))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", step.path, resp.StatusCode)
		}
		req, _ := http.NewRequest("GET", e.http.URL+resp.Header.Get("Location"), nil)
		_, body := do(t, c, req)
		if !strings.Contains(body, step.want) {
			t.Errorf("after %s the page lacks %q", step.path, step.want)
		}
	}
	runs, err := e.store.Runs(context.Background(), "coding-holds", 10)
	if err != nil || len(runs) != 2 || runs[0].Slot != orchestrator.SlotManual {
		t.Fatalf("runs after run now: %+v %v", runs, err)
	}
	resp, _ := do(t, c, form(t, "POST", e.http.URL+"/schedules/no-such-bot/pause", url.Values{"csrf_token": {csrf}}))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown bot: %d", resp.StatusCode)
	}
	entries, err := e.store.AuditFor(context.Background(), "bot:coding-holds", time.Time{}, 10)
	if err != nil || len(entries) != 3 {
		t.Fatalf("schedule audit: %+v %v", entries, err)
	}
	// The bots page links the failed run's error to its evidence.
	req, _ := http.NewRequest("GET", e.http.URL+"/bots", nil)
	_, body := do(t, c, req)
	if !strings.Contains(body, "selector worklist.table missed") || !strings.Contains(body, `href="/evidence/`+strconv.FormatInt(e.dom.ID, 10)+`"`) {
		t.Errorf("bots page lacks the last error with its evidence link")
	}
}
