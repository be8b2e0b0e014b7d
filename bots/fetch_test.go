package bots

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFetcherSendsTheSessionsCookies signs a browser context in (a cookie
// set by the portal, HttpOnly), then fetches with it: the cookie and the
// page's user agent go along, a redirect is reported and not followed,
// another context's cookie does not leak in.
func TestFetcherSendsTheSessionsCookies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: r.URL.Query().Get("v"), HttpOnly: true, Path: "/"})
		fmt.Fprint(w, "<p>signed in</p>")
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		if err != nil {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		}
		fmt.Fprintf(w, "<p id=who>%s</p><p id=ua>%s</p>", c.Value, r.UserAgent())
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := newTestPool(t, PoolConfig{Contexts: 2})
	a := openSession(t, p, Target{Portal: "a"})
	b := openSession(t, p, Target{Portal: "b", UserAgent: "DocketTest/1"})
	visit(t, a, srv.URL+"/login?v=alice")

	fetch := func(s *Session) Fetched {
		f, err := s.Fetcher(context.Background(), []string{srv.URL + "/page"})
		if err != nil {
			t.Fatal(err)
		}
		pages, err := ReadPages(context.Background(), f, []string{srv.URL + "/page"}, func(f Fetched) (Fetched, error) { return f, nil })
		if err != nil {
			t.Fatal(err)
		}
		return pages[0]
	}
	got := fetch(a)
	if got.Status != http.StatusOK || !strings.Contains(string(got.Body), "<p id=who>alice</p>") {
		t.Fatalf("signed-in fetch: %d %q", got.Status, got.Body)
	}
	if !strings.Contains(string(got.Body), "<p id=ua>"+UserAgentDefault+"</p>") {
		t.Errorf("fetch did not send the browser's user agent: %q", got.Body)
	}
	other := fetch(b) // a context that never signed in
	if other.Status != http.StatusFound || other.Location != "/login" || other.Body != nil {
		t.Fatalf("fetch without the session: %d, location %q, body %q; want the redirect, not followed", other.Status, other.Location, other.Body)
	}
	visit(t, b, srv.URL+"/login?v=bob")
	if got := fetch(b); !strings.Contains(string(got.Body), "<p id=who>bob</p><p id=ua>DocketTest/1</p>") {
		t.Fatalf("second context: %q, want its own cookie and user agent", got.Body)
	}
}

// TestScreenshotCoversTheWholePage takes a page three windows tall: the
// PNG is the page's width (the window's, less its scroll bar) and its
// whole height.
func TestScreenshotCoversTheWholePage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<body style="margin:0"><div style="height:2700px;background:linear-gradient(red,blue)">tall</div></body>`)
	}))
	defer srv.Close()
	p := newTestPool(t, PoolConfig{Contexts: 1})
	s := openSession(t, p, Target{Portal: "shot"})
	visit(t, s, srv.URL)
	shot, err := s.Screenshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width < viewportWidth-20 || cfg.Width > viewportWidth || cfg.Height != 2700 {
		t.Fatalf("screenshot %dx%d, want about %dx2700", cfg.Width, cfg.Height, viewportWidth)
	}
	// The window is as it was: the page still lays out at its width.
	if got := visit(t, s, srv.URL); got != "tall" {
		t.Fatalf("page after the screenshot: %q", got)
	}
}

// TestScreenshotOfAHugePageIsBounded: a 1 MB unbroken token lays a page
// out millions of pixels wide, which Chromium cannot capture; the shot is
// the page's top left, within the bounds.
func TestScreenshotOfAHugePageIsBounded(t *testing.T) {
	token := strings.Repeat("1", 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<body style="margin:0"><table><tr><td>%s</td></tr></table><div style="height:40000px">tall</div></body>`, token)
	}))
	defer srv.Close()
	p := newTestPool(t, PoolConfig{Contexts: 1})
	s := openSession(t, p, Target{Portal: "shot"})
	visit(t, s, srv.URL)
	shot, err := s.Screenshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width != ScreenshotMaxWidth || cfg.Height != ScreenshotMaxHeight {
		t.Fatalf("screenshot %dx%d, want %dx%d", cfg.Width, cfg.Height, ScreenshotMaxWidth, ScreenshotMaxHeight)
	}
}
