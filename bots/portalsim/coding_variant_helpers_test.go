package portalsim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// HTML helpers for the variant tests: pages are read by CSS selector and
// label, the way a flow pack reads them, never by position.

func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func all(n *html.Node, sel string) []*html.Node { return cascadia.MustCompile(sel).MatchAll(n) }

func first(t *testing.T, n *html.Node, sel string) *html.Node {
	t.Helper()
	m := cascadia.MustCompile(sel).MatchFirst(n)
	if m == nil {
		t.Fatalf("no element matches %q", sel)
	}
	return m
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// dlPairs reads a definition list: each dt with the dd elements that follow
// it up to the next dt, looking into the div elements HTML allows around
// each group. A dt without a dd is reported with ok false.
type dlPair struct {
	label, value string
	ok           bool
}

func dlPairs(dl *html.Node) []dlPair {
	var out []dlPair
	var kids []*html.Node
	for c := dl.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "div" {
			for g := c.FirstChild; g != nil; g = g.NextSibling {
				kids = append(kids, g)
			}
			continue
		}
		kids = append(kids, c)
	}
	for _, c := range kids {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.Data {
		case "dt":
			out = append(out, dlPair{label: textOf(c)})
		case "dd":
			if len(out) > 0 {
				out[len(out)-1].value, out[len(out)-1].ok = textOf(c), true
			}
		}
	}
	return out
}

func newVariant(t *testing.T, variant string, cfg Config) (*CodingWorklist, *httptest.Server) {
	t.Helper()
	cfg.Variant = variant
	return newPortal(t, cfg)
}

// throughInterstitials signs in, accepts the consent banner (its cookie)
// and passes every interstitial page the portal shows on the way to the
// worklist; it returns the client and the steps met, in order.
func throughInterstitials(t *testing.T, base string) (*http.Client, []string) {
	t.Helper()
	c := loggedIn(t, base)
	u, _ := url.Parse(base)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: consentCookie, Value: "accepted", Path: "/"}})
	var steps []string
	for range 10 {
		status, h, _ := get(t, c, base+"/worklist")
		if status == http.StatusOK {
			return c, steps
		}
		loc := h.Get("Location")
		step, ok := strings.CutPrefix(loc, "/welcome/")
		if status != http.StatusFound || !ok {
			t.Fatalf("GET /worklist: %d to %q, want the worklist or an interstitial", status, loc)
		}
		step, _, _ = strings.Cut(step, "?")
		steps = append(steps, step)
		passStep(t, c, base, loc, step)
	}
	t.Fatalf("still not on the worklist after %v", steps)
	return nil, nil
}

// passStep fills and submits an interstitial page's form.
func passStep(t *testing.T, c *http.Client, base, loc, step string) {
	t.Helper()
	status, _, body := get(t, c, base+loc)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d", loc, status)
	}
	doc := parseHTML(t, body)
	form := first(t, doc, "form#"+step+"-form")
	vals := url.Values{}
	for _, in := range all(form, "input[type=hidden]") {
		vals.Set(attr(in, "name"), attr(in, "value"))
	}
	switch step {
	case InterstitialFacility:
		opts := all(form, "select#facility-select option[value]:not([value=''])")
		if len(opts) == 0 {
			t.Fatal("facility picker offers no facility")
		}
		vals.Set("facility", attr(opts[0], "value"))
	case InterstitialTerms:
		vals.Set("accept", "yes")
	}
	resp, err := c.PostForm(base+attr(form, "action"), vals)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: status %d, want 303", attr(form, "action"), resp.StatusCode)
	}
}
