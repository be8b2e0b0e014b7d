package selectors

import (
	"fmt"
	"net/url"
	"strings"
)

// File is one portal layout's selectors, decoded and validated. Treat it
// as read-only: bots share one File across runs.
type File struct {
	Portal  string // portal key, e.g. "coding-worklist"
	Version string // layout version, e.g. "v1"; recorded with evidence
	Start   string // path of the first page a bot opens, e.g. "/worklist"
	// Marker names the element that tells this layout apart from the
	// portal's other layouts (present on every page of this layout only);
	// "" when the file has none. Bots detect the layout with it.
	Marker string
	// Pages maps page names to URL path templates with {placeholders},
	// e.g. "account": "/accounts/{account}" (see PagePath).
	Pages map[string]string
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

// Candidate strategies.
const (
	CSS   Strategy = "css"   // a CSS selector
	XPath Strategy = "xpath" // an XPath 1.0 expression selecting elements
	Text  Strategy = "text"  // an element whose own text contains the value
)

// strategies lists the strategies the decoder accepts.
var strategies = []Strategy{CSS, XPath, Text}

// Candidate is one way to find an element.
type Candidate struct {
	Strategy Strategy `json:"strategy"`
	Value    string   `json:"value"`
}

// String renders the candidate as in the file, e.g. "css: #username".
func (c Candidate) String() string { return string(c.Strategy) + ": " + c.Value }

// XPath returns the XPath expression an xpath or text candidate stands
// for; ok is false for CSS. A text candidate matches elements with a text
// node containing the value (whitespace collapsed), deepest first in
// document order.
func (c Candidate) XPath() (expr string, ok bool) {
	switch c.Strategy {
	case XPath:
		return c.Value, true
	case Text:
		return "//*[text()[contains(normalize-space(.), " + xpathLiteral(ParseText(c.Value)) + ")]]", true
	}
	return "", false
}

// xpathLiteral quotes s as an XPath 1.0 string literal, which has no
// escapes: a value with both quote kinds becomes a concat().
func xpathLiteral(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	parts := strings.Split(s, `"`)
	var b strings.Builder
	b.WriteString("concat(")
	for i, p := range parts {
		if i > 0 {
			b.WriteString(`, '"', `)
		}
		b.WriteString(`"` + p + `"`)
	}
	b.WriteString(")")
	return b.String()
}

// PagePath fills the named page's path template: each {key} becomes
// url.PathEscape(vars[key]). A missing page or variable is an error.
func (f *File) PagePath(name string, vars map[string]string) (string, error) {
	tmpl, ok := f.Pages[name]
	if !ok {
		return "", fmt.Errorf("selectors: %s: no page %q", f.Source, name)
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("selectors: %s: page %s: unclosed {", f.Source, name)
		}
		key := tmpl[open+1 : open+end]
		v, ok := vars[key]
		if !ok || v == "" {
			return "", fmt.Errorf("selectors: %s: page %s needs %s", f.Source, name, key)
		}
		b.WriteString(tmpl[:open])
		b.WriteString(url.PathEscape(v))
		tmpl = tmpl[open+end+1:]
	}
}

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
