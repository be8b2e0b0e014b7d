package portalsim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SignIn signs c (a client with a cookie jar) in to a demo portal at base
// the way a person would: the password form, then the TOTP code for
// totpSecret when the portal asks for one. It is for tests and benchmarks
// that read the portals without a browser.
func SignIn(ctx context.Context, c *http.Client, base, user, password, totpSecret string) error {
	// Follow no redirect: where the portal sends the client says how the
	// step went.
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := postForm(ctx, &nc, base+"/login", url.Values{"username": {user}, "password": {password}, "next": {"/"}})
	if err != nil {
		return err
	}
	if strings.HasPrefix(resp.Header.Get("Location"), "/login/otp") {
		code, err := TOTPCode(totpSecret, time.Now())
		if err != nil {
			return err
		}
		if resp, err = postForm(ctx, &nc, base+"/login/otp", url.Values{"code": {code}, "next": {"/"}}); err != nil {
			return err
		}
	}
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/login") {
		return fmt.Errorf("portalsim: sign-in to %s refused (HTTP %d to %q)", base, resp.StatusCode, loc)
	}
	return nil
}

func postForm(ctx context.Context, c *http.Client, u string, v url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(v.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}
