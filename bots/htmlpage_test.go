package bots

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"golang.org/x/net/html"

	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/selectors"
)

// readingJS evaluates every candidate of every element, with the bots'
// in-page evaluator (find.js), on html parsed by the browser's DOMParser:
// at the document, and inside each of the first
// rows of every element whose name ends in _rows, as the bots read rows.
// For each it returns the text content of every node selected.
const readingJS = `(html, elements, rowEls) => {
  const doc = new DOMParser().parseFromString(html, "text/html");
  /* find */
  const texts = (root) => elements.map((e) => e.candidates.map((c) => all(root, c).map((n) => n.textContent)));
  const out = { doc: texts(doc), rows: {} };
  for (const r of rowEls) {
    const rows = all(doc, r.candidates[0]).slice(0, 4);
    out.rows[r.name] = rows.map(texts);
  }
  return out;
}`

type reading struct {
	Doc  [][][]string              `json:"doc"`  // element → candidate → texts
	Rows map[string][][][][]string `json:"rows"` // rows element → row → element → candidate → texts
}

// goReading is readingJS done with the page reader.
func goReading(t *testing.T, body []byte, els []selectors.Element, rowEls []selectors.Element) reading {
	t.Helper()
	root, err := html.ParseWithOptions(strings.NewReader(string(body)), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	texts := func(at *html.Node) [][][]string {
		out := make([][][]string, len(els))
		for i, e := range els {
			out[i] = make([][]string, len(e.Candidates))
			for j, c := range e.Candidates {
				m, err := compiled(c)
				if err != nil {
					t.Fatalf("element %s candidate %s: %v", e.Name, c, err)
				}
				out[i][j] = Texts(m(at, at == root))
				if out[i][j] == nil {
					out[i][j] = []string{}
				}
			}
		}
		return out
	}
	r := reading{Doc: texts(root), Rows: map[string][][][][]string{}}
	for _, e := range rowEls {
		m, _ := compiled(e.Candidates[0])
		rows := m(root, true)
		rows = rows[:min(len(rows), 4)]
		r.Rows[e.Name] = [][][][]string{}
		for _, row := range rows {
			r.Rows[e.Name] = append(r.Rows[e.Name], texts(row))
		}
	}
	return r
}

// TestPageReaderReadsAsChromium compares, on real portal pages of both
// demo portals in both layouts (malformed data, markup and script in text
// fields and a 1 MB note among them), every candidate of every selector
// file element as the page reader evaluates it and as Chromium does:
// the same nodes, by text content, at the document and inside rows.
func TestPageReaderReadsAsChromium(t *testing.T) {
	p := newTestPool(t, PoolConfig{Contexts: 1})
	s := openSession(t, p, Target{Portal: "reader"})
	for _, layout := range []string{"v1", "v2"} {
		t.Run("coding-worklist/"+layout, func(t *testing.T) {
			secret := portalsim.NewTOTPSecret(7)
			cw, err := portalsim.NewCodingWorklist(portalsim.Config{Seed: 7, Accounts: 40, Malformed: 12,
				RenderDelay: -1, TOTPSecret: secret, Layout: layout})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(cw)
			defer srv.Close()
			c := signIn(t, srv.URL, portalsim.UsernameDefault, portalsim.PasswordDefault, secret)
			var pages []string
			for _, a := range cw.Accounts() {
				pages = append(pages, "/accounts/"+url.PathEscape(a.Number))
			}
			compareReadings(t, s, c, srv.URL, "coding-worklist", layout, pages)
		})
		t.Run("claim-scrubber/"+layout, func(t *testing.T) {
			cs, err := portalsim.NewClaimScrubber(portalsim.ScrubberConfig{Seed: 7, Claims: 30, PageSize: 10, Layout: layout})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(cs)
			defer srv.Close()
			user, pass := cs.Credentials()
			c := signIn(t, srv.URL, user, pass, "")
			pages := []string{"/batches"}
			for _, cl := range cs.Claims() {
				pages = append(pages, "/claims/"+url.PathEscape(cl.ID))
			}
			// The claim list pages: links of the batch list.
			body := get(t, c, srv.URL+"/batches")
			for _, m := range regexp.MustCompile(`href="(/batches/[^"?#]+)"`).FindAllStringSubmatch(string(body), -1) {
				pages = append(pages, m[1])
			}
			compareReadings(t, s, c, srv.URL, "claim-scrubber", layout, pages)
		})
	}
}

func compareReadings(t *testing.T, s *Session, c *http.Client, base, portal, layout string, pages []string) {
	f, err := selectors.LoadVersion(portal, layout)
	if errors.Is(err, selectors.ErrNotFound) {
		f, err = packs.Layout(portal, layout) // the portal's selector files are in its pack
	}
	if err != nil {
		t.Fatal(err)
	}
	var els, rowEls []selectors.Element
	var jsEls, jsRows []*InPageElement
	for _, name := range slices.Sorted(maps.Keys(f.Elements)) {
		e := f.Elements[name]
		je := InPage(f, name)
		els, jsEls = append(els, e), append(jsEls, je)
		if strings.HasSuffix(name, "_rows") {
			rowEls, jsRows = append(rowEls, e), append(jsRows, je)
		}
	}
	matched := 0
	for _, pg := range pages {
		body := get(t, c, base+pg)
		var browser reading
		err := s.Step(context.Background(), "read in chromium", func(p *rod.Page) error {
			res, err := p.Eval(strings.Replace(readingJS, "/* find */", findJS, 1), string(body), jsEls, jsRows)
			if err != nil {
				return err
			}
			return res.Value.Unmarshal(&browser)
		})
		if err != nil {
			t.Fatal(err)
		}
		got := goReading(t, body, els, rowEls)
		for i, e := range els {
			for j, cand := range e.Candidates {
				if !slices.Equal(got.Doc[i][j], browser.Doc[i][j]) {
					t.Errorf("%s: element %s candidate %s: page reader %q, chromium %q", pg, e.Name, cand, clip(got.Doc[i][j]), clip(browser.Doc[i][j]))
				}
				matched += len(got.Doc[i][j])
			}
		}
		for _, r := range rowEls {
			g, b := got.Rows[r.Name], browser.Rows[r.Name]
			if len(g) != len(b) {
				t.Errorf("%s: %s: page reader %d rows, chromium %d", pg, r.Name, len(g), len(b))
				continue
			}
			for k := range g {
				for i, e := range els {
					for j, cand := range e.Candidates {
						if !slices.Equal(g[k][i][j], b[k][i][j]) {
							t.Errorf("%s: %s row %d: element %s candidate %s: page reader %q, chromium %q",
								pg, r.Name, k+1, e.Name, cand, clip(g[k][i][j]), clip(b[k][i][j]))
						}
					}
				}
			}
		}
	}
	if matched == 0 {
		t.Fatal("no candidate matched anything: the pages are not the portal's")
	}
	t.Logf("%d pages, %d elements, %d nodes matched", len(pages), len(els), matched)
}

// clip keeps a failure message short when a 1 MB note differs.
func clip(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if len(s) > 80 {
			s = s[:80] + fmt.Sprintf("…(%d bytes)", len(s))
		}
		out[i] = s
	}
	return out
}

// signIn logs in to a demo portal with a cookie jar.
func signIn(t *testing.T, base, user, pass, secret string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute}
	if err := portalsim.SignIn(context.Background(), c, base, user, pass, secret); err != nil {
		t.Fatal(err)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || strings.Contains(resp.Request.URL.Path, "/login") {
		t.Fatalf("GET %s: %v %s (ended on %s)", u, err, resp.Status, resp.Request.URL.Path)
	}
	return body
}
