package claimscrubber

import (
	_ "embed"
	"strings"

	"github.com/docket-rpa/docket/selectors"
)

// The in-page script takes find.js, spliced in where it says /* find */.
var (
	//go:embed find.js
	findJS string
	//go:embed list.js
	listSrc string

	listJS = withFind(listSrc)
)

func withFind(src string) string { return strings.Replace(src, "/* find */", findJS, 1) }

// jsCandidate is a candidate as the scripts take it: a CSS selector or an
// XPath expression (text candidates become XPath).
type jsCandidate struct {
	CSS   string `json:"css,omitempty"`
	XPath string `json:"xpath,omitempty"`
}

// jsElement is an element's candidates as the scripts take them.
type jsElement struct {
	Name       string        `json:"name"`
	Candidates []jsCandidate `json:"candidates"`
	Optional   bool          `json:"optional"`
}

func (r *run) js(name string) *jsElement {
	e, _ := r.file.Element(name) // New checked every element the bot uses
	out := &jsElement{Name: name, Optional: e.Optional}
	for _, c := range e.Candidates {
		if x, ok := c.XPath(); ok {
			out.Candidates = append(out.Candidates, jsCandidate{XPath: x})
		} else if c.Strategy == selectors.CSS {
			out.Candidates = append(out.Candidates, jsCandidate{CSS: c.Value})
		}
	}
	return out
}

// reportMatches feeds the selector metric from a script's matches and
// misses.
func (r *run) reportMatches(matched map[string]int, misses []string) {
	for el, i := range matched {
		r.rec.SelectorUsed(r.file.Portal, el, i)
	}
	for _, el := range misses {
		r.rec.SelectorUsed(r.file.Portal, el, -1)
	}
}
