package selectors

import (
	"fmt"
	"strings"
)

// File is one portal layout's selectors, decoded and validated. Treat it
// as read-only: bots share one File across runs.
type File struct {
	Portal  string // portal key, e.g. "coding-worklist"
	Version string // layout version, e.g. "v1"; recorded with evidence
	Start   string // path of the first page a bot opens, e.g. "/worklist"
	// Elements by name.
	Elements map[string]Element
	// Fields by group name (e.g. "detail", "hold_reason"), in file order.
	Fields map[string][]Field
	// Source is where the file was read from, for messages.
	Source string
}

// Element is something a bot looks for on a page.
type Element struct {
	Name string
	// Candidates in order of preference; never empty.
	Candidates []Candidate
	// Optional marks elements whose absence is a valid page state (a
	// physician query section on an account without a query).
	Optional bool
}

// Strategy says how a candidate's value is matched.
type Strategy string

// Candidate strategies. Only CSS exists so far; XPath and visible-text
// matching slot in as further strategies without changing File.
const (
	CSS Strategy = "css"
)

// strategies lists the strategies the decoder accepts.
var strategies = []Strategy{CSS}

// Candidate is one way to find an element.
type Candidate struct {
	Strategy Strategy `json:"strategy"`
	Value    string   `json:"value"`
}

// String renders the candidate as in the file, e.g. "css: #username".
func (c Candidate) String() string { return string(c.Strategy) + ": " + c.Value }

// Element returns the named element, or an error naming the file when the
// file lacks it.
func (f *File) Element(name string) (Element, error) {
	e, ok := f.Elements[name]
	if !ok {
		return Element{}, fmt.Errorf("selectors: %s: no element %q", f.Source, name)
	}
	return e, nil
}

// FieldGroup returns the named field group.
func (f *File) FieldGroup(name string) ([]Field, error) {
	g, ok := f.Fields[name]
	if !ok {
		return nil, fmt.Errorf("selectors: %s: no field group %q", f.Source, name)
	}
	return g, nil
}

// Require checks that the file has every named element, so a bot can
// reject an unusable file when it is configured rather than mid-run.
func (f *File) Require(elements ...string) error {
	var missing []string
	for _, name := range elements {
		if _, ok := f.Elements[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("selectors: %s: missing elements %s", f.Source, strings.Join(missing, ", "))
	}
	return nil
}

// Tried lists the element's candidates as strings, for error messages.
func (e Element) Tried() []string {
	out := make([]string, len(e.Candidates))
	for i, c := range e.Candidates {
		out[i] = c.String()
	}
	return out
}
