package bots

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/andybalholm/cascadia"
	"github.com/antchfx/htmlquery"
	"github.com/antchfx/xpath"
	"golang.org/x/net/html"

	"github.com/docket-rpa/docket/selectors"
)

// HTMLPage is a portal page fetched without the browser (Fetcher) and
// parsed the way the browser's DOMParser parses it (HTML5, scripting
// off, no script runs). It is read with the same selector file as the
// pages the browser shows, and it remembers, like the bots' in-page
// scripts, which candidate matched each element and which required
// elements missed. TestPageReaderReadsAsChromium holds it to what Chromium
// selects on both demo portals. A page is read by one goroutine.
type HTMLPage struct {
	Root *html.Node // the document

	file    *selectors.File
	Matched map[string]int // element → index of the candidate that matched
	Misses  []string       // required elements no candidate matched, in order
}

// ParseHTMLPage parses body as an HTML document read with f.
func ParseHTMLPage(f *selectors.File, body []byte) (*HTMLPage, error) {
	root, err := html.ParseWithOptions(bytes.NewReader(body), html.ParseOptionEnableScripting(false))
	if err != nil {
		return nil, fmt.Errorf("bots: parse page: %w", err)
	}
	return &HTMLPage{Root: root, file: f, Matched: map[string]int{}}, nil
}

// Find returns the nodes the first candidate of element name that matches
// anything under root selects (root nil: the whole page), and records
// which candidate that was. It returns nil when none matches.
func (p *HTMLPage) Find(root *html.Node, name string) []*html.Node {
	if root == nil {
		root = p.Root
	}
	e, err := p.file.Element(name)
	if err != nil {
		return nil // bots check their elements (File.Require, CheckHTMLReadable) in New
	}
	for i, c := range e.Candidates {
		m, err := compiled(c)
		if err != nil {
			continue // as in the page: a candidate that cannot run matches nothing
		}
		if nodes := m(root, root == p.Root); len(nodes) > 0 {
			p.Matched[name] = i
			return nodes
		}
	}
	return nil
}

// Require is Find on the whole page, recording a miss when element name
// is not optional and nothing matched.
func (p *HTMLPage) Require(name string) []*html.Node {
	nodes := p.Find(nil, name)
	if nodes == nil {
		if e, err := p.file.Element(name); err == nil && !e.Optional {
			p.Misses = append(p.Misses, name)
		}
	}
	return nodes
}

// Pairs reads label/value rows: the text of each row's label and value
// elements, for the rows that have both (an empty list, not nil, when
// none has).
func (p *HTMLPage) Pairs(rows []*html.Node, label, value string) [][2]string {
	kv := [][2]string{}
	for _, row := range rows {
		l, v := p.Find(row, label), p.Find(row, value)
		if l != nil && v != nil {
			kv = append(kv, [2]string{Text(l[0]), Text(v[0])})
		}
	}
	return kv
}

// Miss records that element name did not fit the page.
func (p *HTMLPage) Miss(name string) { p.Misses = append(p.Misses, name) }

// Text is a node's textContent as the browser gives it: the text of every
// text node under it, in document order.
func Text(n *html.Node) string {
	if n == nil {
		return ""
	}
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// Href is a link's address resolved against base, the address the page
// came from, as the browser's a.href gives it; "" for a node without
// an href.
func Href(base *url.URL, n *html.Node) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "href" {
			u, err := base.Parse(strings.TrimSpace(a.Val))
			if err != nil {
				return ""
			}
			return u.String()
		}
	}
	return ""
}

// Texts is Text of each node.
func Texts(nodes []*html.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = Text(n)
	}
	return out
}

// CheckHTMLReadable reports the first candidate of the named elements that
// cannot be evaluated on a fetched page (a CSS selector or an XPath
// expression outside what the page reader supports), so a selector file
// that could only work in the browser is refused when the bot is made,
// not in the middle of a run.
func CheckHTMLReadable(f *selectors.File, names ...string) error {
	for _, name := range names {
		e, err := f.Element(name)
		if err != nil {
			return err
		}
		for i, c := range e.Candidates {
			if _, err := compiled(c); err != nil {
				return fmt.Errorf("%s: element %s candidate %d (%s): %w", f.Source, name, i+1, c, err)
			}
		}
	}
	return nil
}

// matcher selects nodes under root; doc says root is the document.
type matcher func(root *html.Node, doc bool) []*html.Node

// matchers caches compiled candidates by their text: selector files are
// few and fixed, and compiling per page would cost more than the match.
var matchers sync.Map // string → matcher or error

func compiled(c selectors.Candidate) (matcher, error) {
	key := c.String()
	if v, ok := matchers.Load(key); ok {
		if err, bad := v.(error); bad {
			return nil, err
		}
		return v.(matcher), nil
	}
	m, err := compile(c)
	if err != nil {
		matchers.Store(key, err)
		return nil, err
	}
	matchers.Store(key, m)
	return m, nil
}

func compile(c selectors.Candidate) (matcher, error) {
	if c.Strategy == selectors.CSS {
		sel, err := cascadia.Compile(c.Value)
		if err != nil {
			return nil, fmt.Errorf("css selector not supported: %w", err)
		}
		// Like querySelectorAll: descendants of root, matched against the
		// whole document.
		return func(root *html.Node, _ bool) []*html.Node { return cascadia.QueryAll(root, sel) }, nil
	}
	expr, ok := c.XPath()
	if !ok {
		return nil, fmt.Errorf("candidate strategy %s is not supported", c.Strategy)
	}
	abs, err := xpath.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("xpath not supported: %w", err)
	}
	rel := abs
	if strings.HasPrefix(expr, "/") {
		// Under a row, an absolute path is read from the row, as the
		// in-page scripts do.
		if rel, err = xpath.Compile("." + expr); err != nil {
			return nil, fmt.Errorf("xpath not supported: %w", err)
		}
	}
	return func(root *html.Node, doc bool) []*html.Node {
		e := rel
		if doc {
			e = abs
		}
		var out []*html.Node
		for _, n := range htmlquery.QuerySelectorAll(root, e) {
			if n.Type == html.ElementNode {
				out = append(out, n)
			}
		}
		return out
	}, nil
}
