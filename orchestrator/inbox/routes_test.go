package inbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// samplePath fills a route pattern's wildcards with fixture ids. A route
// with a wildcard this does not know fails the test, so a new route cannot
// slip past the matrix.
func (e *env) samplePath(t *testing.T, pattern string, tokenID int64) string {
	t.Helper()
	p := strings.TrimSuffix(pattern, "{$}")
	re := regexp.MustCompile(`\{([a-z]+)\}`)
	return re.ReplaceAllStringFunc(p, func(m string) string {
		switch name := m[1 : len(m)-1]; {
		case name == "file":
			return "style.css"
		case name == "bot":
			return e.bot.Name
		case name == "id" && strings.Contains(pattern, "/tasks/"):
			return strconv.FormatInt(e.tasks[1].ID, 10)
		case name == "id" && strings.Contains(pattern, "/evidence/"):
			return strconv.FormatInt(e.screenshot.ID, 10)
		case name == "id" && strings.Contains(pattern, "/runs/"):
			return e.run.ID
		case name == "id" && strings.Contains(pattern, "/tokens/"):
			return strconv.FormatInt(tokenID, 10)
		default:
			t.Fatalf("route %s: no sample value for %s: add one to samplePath", pattern, m)
			return ""
		}
	})
}

// TestRouteRoleMatrix sends every registered route as anonymous and as
// every role, through a browser session (with a valid CSRF token) and,
// for the API, through an API token, and checks allow or deny against the
// route's declared role: anonymous pages redirect to /login, anonymous API
// calls get 401, too little role gets 403, and enough role is never
// refused.
func TestRouteRoleMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	routes := e.srv.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	roles := []string{"", "viewer", "staff", "supervisor", "admin"}
	checked := 0
	for _, rt := range routes {
		for _, who := range roles {
			for _, auth := range []string{"session", "token"} {
				if auth == "token" && (!rt.API || who == "") {
					continue
				}
				name := fmt.Sprintf("%s %s as %q via %s", rt.Method, rt.Pattern, who, auth)
				status, location, denied := e.matrixRequest(t, rt, who, auth)
				allowed := rt.Role == "" || (who != "" && orchestrator.Role(who).Includes(rt.Role))
				switch {
				case allowed && denied != "":
					t.Errorf("%s: refused (%d, %s), want allowed", name, status, denied)
				case !allowed && denied == "":
					t.Errorf("%s: status %d not refused by the guard", name, status)
				case !allowed && who == "" && rt.API && status != http.StatusUnauthorized:
					t.Errorf("%s: status %d, want 401", name, status)
				case !allowed && who == "" && !rt.API && (status != http.StatusSeeOther || !strings.HasPrefix(location, "/login")):
					t.Errorf("%s: status %d to %q, want 303 to /login", name, status, location)
				case !allowed && who != "" && status != http.StatusForbidden:
					t.Errorf("%s: status %d, want 403", name, status)
				case allowed && status >= 500:
					t.Errorf("%s: status %d", name, status)
				}
				checked++
			}
		}
	}
	t.Logf("%d routes, %d requests checked", len(routes), checked)
}

// matrixRequest sends one route as who, with a fresh session or token so
// that a logout or a revoke in one request does not affect the next.
func (e *env) matrixRequest(t *testing.T, rt Route, who, auth string) (int, string, string) {
	t.Helper()
	ctx := context.Background()
	var tokenID int64
	var cookie, csrf, bearer string
	if who != "" {
		if auth == "token" {
			secret, _ := newSecret()
			bearer = apiTokenPrefix + secret
			tok, err := e.store.CreateAPIToken(ctx, orchestrator.APIToken{UserID: e.users[who].ID, Name: "matrix", TokenHash: hashSecret(bearer), Prefix: "dkt_"})
			if err != nil {
				t.Fatal(err)
			}
			tokenID = tok.ID
		} else {
			cookie, csrf = e.session(who)
			secret, _ := newSecret()
			tok, err := e.store.CreateAPIToken(ctx, orchestrator.APIToken{UserID: e.users[who].ID, Name: "matrix", TokenHash: hashSecret(secret), Prefix: "dkt_"})
			if err != nil {
				t.Fatal(err)
			}
			tokenID = tok.ID
		}
	}
	path := e.samplePath(t, rt.Pattern, tokenID)
	var body io.Reader
	if rt.Method == http.MethodPost {
		if rt.API {
			body = strings.NewReader(`{}`)
		} else {
			body = strings.NewReader("csrf_token=" + csrf)
		}
	}
	req, err := http.NewRequest(rt.Method, e.http.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if rt.Method == http.MethodPost {
		if rt.API {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(csrfHeader, csrf)
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := e.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	checkSecurityHeaders(t, fmt.Sprintf("%s %s as %q via %s", rt.Method, path, who, auth), resp, false)
	return resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get(deniedHeader)
}

// Every API route is in the OpenAPI document with its role.
func TestOpenAPIListsEveryAPIRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doc := e.srv.openAPIDoc()
	paths := doc["paths"].(map[string]any)
	for _, rt := range e.srv.Routes() {
		if !rt.API || rt.Pattern == "/api/openapi.json" {
			continue
		}
		item, ok := paths[rt.Pattern].(map[string]any)
		if !ok {
			t.Errorf("%s missing from the OpenAPI document", rt.Pattern)
			continue
		}
		op, ok := item[strings.ToLower(rt.Method)].(map[string]any)
		if !ok || op["x-docket-role"] != string(rt.Role) {
			t.Errorf("%s %s: operation %v, want role %s", rt.Method, rt.Pattern, op, rt.Role)
		}
	}
}
