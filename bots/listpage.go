package bots

import (
	_ "embed"
	"strings"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/selectors"
)

// The in-page list script takes find.js, spliced in where it says
// /* find */.
var (
	//go:embed find.js
	findJS string
	//go:embed list.js
	listSrc string

	listJS = strings.Replace(listSrc, "/* find */", findJS, 1)
)

// ListElements names a list page's elements in a selector file: the
// repeated rows, the link in a row, the next-page link, the notice of an
// empty list and, optionally, one more link on the page (Export).
type ListElements struct {
	Rows, Link, Next, Empty, Export string
}

// ListRow is one row's link: its text, trimmed, and its address.
type ListRow struct {
	Text string `json:"text"`
	Href string `json:"href"`
	// Where names the row in errors and logs without its text (an account
	// number, a claim id): "worklist page 2 row 7". The bot sets it.
	Where string `json:"-"`
}

// ListPage is what ReadList read.
type ListPage struct {
	Rows       []ListRow      `json:"rows"`
	Next       string         `json:"next"`       // the next page's address; "" on the last
	ExportHref string         `json:"exportHref"` // ListElements.Export's address
	Empty      bool           `json:"empty"`      // the page says the list is empty
	Misses     []string       `json:"misses"`     // a row without a link; a missing Export
	Matched    map[string]int `json:"matched"`    // element → the candidate that matched
}

// ReadList reads the list page p shows in one evaluation: every row's
// link, the next page's address, the empty-list notice. Rows the page has
// none of and no empty notice are for the caller to judge.
func ReadList(p *rod.Page, f *selectors.File, e ListElements) (ListPage, error) {
	spec := map[string]*InPageElement{"rows": InPage(f, e.Rows), "link": InPage(f, e.Link),
		"next": InPage(f, e.Next), "empty": InPage(f, e.Empty), "export": InPage(f, e.Export)}
	var list ListPage
	res, err := p.Eval(listJS, spec)
	if err != nil {
		return list, err
	}
	err = res.Value.Unmarshal(&list)
	return list, err
}

// InPageCandidate is a candidate as Docket's in-page scripts take it: a
// CSS selector or an XPath expression (text candidates become XPath).
type InPageCandidate struct {
	CSS   string `json:"css,omitempty"`
	XPath string `json:"xpath,omitempty"`
}

// InPageElement is an element's candidates as in-page scripts take them.
type InPageElement struct {
	Name       string            `json:"name"`
	Candidates []InPageCandidate `json:"candidates"`
}

// InPage is element name of f as in-page scripts take it (find.js, or
// their own); nil for "" or a name f lacks.
func InPage(f *selectors.File, name string) *InPageElement {
	e, err := f.Element(name)
	if err != nil {
		return nil
	}
	out := &InPageElement{Name: name}
	for _, c := range e.Candidates {
		// One entry per candidate, so a script's index is the file's; a
		// strategy no script knows is an empty entry, which matches
		// nothing.
		var ic InPageCandidate
		if sel, isXPath, err := Selector(c); err == nil && isXPath {
			ic.XPath = sel
		} else if err == nil {
			ic.CSS = sel
		}
		out.Candidates = append(out.Candidates, ic)
	}
	return out
}
