package inbox

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// An admin adds a user, who can then log in; changing a user's role or
// disabling them ends their sessions; an admin cannot demote themself.
func TestAdminManagesUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	c, csrf := e.login("admin")
	post := func(v url.Values) (*http.Response, string) {
		v.Set("csrf_token", csrf)
		return do(t, c, form(t, "POST", e.http.URL+"/admin/users", v))
	}
	resp, _ := post(url.Values{"op": {"create"}, "name": {"Dana"}, "role": {"staff"}, "password": {"dana-password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	dana, err := e.store.UserByName(ctx, "dana")
	if err != nil || dana.Role != "staff" || !strings.HasPrefix(dana.PasswordHash, "$2") {
		t.Fatalf("created %+v %v", dana, err)
	}
	for _, tc := range []struct {
		v    url.Values
		want string
	}{
		{url.Values{"op": {"create"}, "name": {"dana"}, "role": {"staff"}, "password": {"dana-password"}}, "conflict"},
		{url.Values{"op": {"create"}, "name": {"<script>x</script>"}, "role": {"staff"}, "password": {"long-enough"}}, "user name"},
		{url.Values{"op": {"create"}, "name": {"eve"}, "role": {"root"}, "password": {"long-enough"}}, `role &#34;root&#34;`},
		{url.Values{"op": {"create"}, "name": {"eve"}, "role": {"staff"}, "password": {"short"}}, "password must be 8 to 72 bytes"},
		{url.Values{"op": {"update"}, "name": {"admin"}, "role": {"staff"}}, "cannot change your own role"},
		{url.Values{"op": {"drop"}, "name": {"dana"}, "role": {"staff"}}, "op must be create or update"},
	} {
		resp, page := post(tc.v)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(page, tc.want) {
			t.Errorf("%v: %d, want a 4xx saying %q", tc.v, resp.StatusCode, tc.want)
		}
		if strings.Contains(page, "<script>x</script>") {
			t.Errorf("%v: markup rendered", tc.v)
		}
	}

	cookie, _ := e.session("staff")
	resp, _ = post(url.Values{"op": {"update"}, "name": {"staff"}, "role": {"viewer"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("demote: %d", resp.StatusCode)
	}
	if _, _, err := e.store.SessionUser(ctx, hashSecret(cookie), time.Now()); err == nil {
		t.Error("a demoted user's session survived")
	}
	resp, _ = post(url.Values{"op": {"update"}, "name": {"staff2"}, "role": {"staff"}, "disabled": {"on"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if u, _ := e.store.UserByName(ctx, "staff2"); !u.Disabled {
		t.Error("staff2 not disabled")
	}
	entries, err := e.store.AuditFor(ctx, "user:dana", time.Time{}, 10)
	if err != nil || len(entries) != 1 || entries[0].Action != "user.created" || entries[0].Actor != "user:admin" {
		t.Errorf("audit of user:dana: %+v %v", entries, err)
	}
	// Dana logs in with the password the admin set.
	dc := e.client()
	resp, _ = do(t, dc, form(t, "POST", e.http.URL+"/login", url.Values{"name": {"dana"}, "password": {"dana-password"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new user's login: %d", resp.StatusCode)
	}
}
