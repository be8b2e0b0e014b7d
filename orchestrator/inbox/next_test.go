package inbox

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
)

// offSiteNext are post-login targets a browser would follow to another
// site (or to script): each must become "/".
var offSiteNext = []string{
	"/\t/evil.example/", "/\r/evil.example/", "/\n/evil.example/", "/\r\n/evil.example/",
	"\t//evil.example/", "/%09/evil.example/", "/%0d%0a/evil.example/",
	"//evil.example/", "///evil.example/", "////evil.example/",
	`/\evil.example/`, `\\evil.example/`, `/\/evil.example/`, `\/evil.example/`,
	"/%5Cevil.example/", "/%5cevil.example/", "/%2F/evil.example/", "/%2f%2fevil.example/",
	"https://evil.example/", "HTTPS://evil.example/", "http:evil.example", "//user@evil.example/",
	"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
	"data:text/html,<script>alert(1)</script>", "evil.example", "inbox", "./inbox", "../inbox",
	"/\u202e/evil.example/", "/\u200b/evil.example/", "/\x00/evil.example/", "%2F%2Fevil.example",
	"", "?next=//evil.example", "#/evil.example",
}

// onSiteNext are ordinary targets that must survive unchanged.
var onSiteNext = []string{
	"/", "/inbox", "/inbox?queue=coding&payer=medicare", "/tasks/12", "/tasks/12#comments",
	"/runs/coding-holds@2026-12-04T10:15:00Z", "/inbox?next=//evil.example",
}

func TestSafeNextRefusesOffSiteTargets(t *testing.T) {
	t.Parallel()
	for _, next := range offSiteNext {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
	}
	for _, next := range onSiteNext {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it unchanged", next, got)
		}
	}
}

// The same targets through a real login: the redirect's Location, read as
// a browser would (TAB, CR and LF dropped, '\' as '/'), stays on the site.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	base, err := url.Parse(e.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range offSiteNext {
		resp, _ := do(t, e.client(), form(t, "POST", e.http.URL+"/login", url.Values{"name": {"viewer"}, "password": {"viewer-pass"}, "next": {next}}))
		loc := resp.Header.Get("Location")
		browserLoc := strings.NewReplacer("\t", "", "\r", "", "\n", "", `\`, "/").Replace(loc)
		to, err := base.Parse(browserLoc)
		if resp.StatusCode != http.StatusSeeOther || err != nil || to.Host != base.Host || to.Scheme != base.Scheme {
			t.Errorf("next=%q: %d to %q, want a redirect on %s", next, resp.StatusCode, loc, base.Host)
		}
	}
}

// TestLoginRedirectStaysOnSiteInChromium is the attack as it worked: a
// login link whose next hides "//evil.example" behind a TAB. Real
// Chromium logs in and must end on Docket, not off-site.
func TestLoginRedirectStaysOnSiteInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool := startPool(t, ctx, 1)
	e := newEnv(t)
	b := newBrowser(t, ctx, pool, e.http.URL)
	for _, next := range []string{"/%09/evil.example/", "/%5Cevil.example/", "/%0d%0a/evil.example/", "//evil.example/"} {
		b.step("log in with next="+next, func(p *rod.Page) {
			b.open(p, "/login?next="+next)
			p.MustElement("#name").MustInput("viewer")
			p.MustElement("#password").MustInput(testPasswords["viewer"])
			b.submit(p, "#login button")
			if u := p.MustInfo().URL; u != e.http.URL+"/" {
				t.Errorf("next=%s: Chromium ended at %s, want %s/", next, u, e.http.URL)
			}
		})
		b.step("log out", func(p *rod.Page) { b.submit(p, "#logout") })
	}
}
