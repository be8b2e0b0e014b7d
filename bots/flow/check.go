package flow

import (
	"fmt"

	"github.com/expr-lang/expr/vm"

	"github.com/docket-rpa/docket/bots"

	"github.com/docket-rpa/docket/selectors"
)

// Finding is one problem Lint found: the file, the line, the step (if
// any) and what is wrong.
type Finding struct {
	File string
	Line int
	Step string // "step 3 (read_list)"; "" outside steps
	Msg  string
}

func (f Finding) String() string {
	s := f.File
	if f.Line > 0 {
		s += fmt.Sprintf(":%d", f.Line)
	}
	if f.Step != "" {
		s += ": " + f.Step
	}
	return s + ": " + f.Msg
}

// Check is what a step's Check method declares its needs to: Lint gives
// one per step, for the layouts the step's flow may run on.
type Check struct {
	pack     *Pack
	flow     *Flow
	layouts  []*selectors.File
	file     string
	entry    *StepEntry
	findings *[]Finding
}

// Pack is the pack being checked.
func (c *Check) Pack() *Pack { return c.pack }

// Errorf records a finding at the step.
func (c *Check) Errorf(format string, args ...any) {
	f := Finding{File: c.file, Msg: fmt.Sprintf(format, args...)}
	if c.entry != nil {
		f.Line, f.Step = c.entry.Line, c.entry.Label()
	}
	*c.findings = append(*c.findings, f)
}

// Element checks that every named element ("" is skipped) is in every
// layout the flow may run on.
func (c *Check) Element(names ...string) {
	for _, n := range names {
		if n == "" {
			continue
		}
		for _, l := range c.layouts {
			if _, ok := l.Elements[n]; !ok {
				c.Errorf("element %q is not in layout %s", n, l.Version)
			}
		}
	}
}

// Required checks that a parameter is set.
func (c *Check) Required(name, value string) {
	if value == "" {
		c.Errorf("%s is required", name)
	}
}

// Group checks that the named field group is in every layout, and
// returns each layout's fields by version.
func (c *Check) Group(name string) map[string][]selectors.Field {
	out := map[string][]selectors.Field{}
	for _, l := range c.layouts {
		g, ok := l.Fields[name]
		if !ok {
			c.Errorf("field group %q is not in layout %s", name, l.Version)
			continue
		}
		out[l.Version] = g
	}
	return out
}

// Expr compiles an expr condition; a bad one is a finding.
func (c *Check) Expr(src string) *vm.Program {
	if src == "" {
		return nil
	}
	p, err := compileExpr(src)
	if err != nil {
		c.Errorf("expr %q: %v", src, err)
	}
	return p
}

// Template checks a value template ("/accounts/${row.key}").
func (c *Check) Template(src string) {
	if _, err := parseTemplate(src); err != nil {
		c.Errorf("template %q: %v", src, err)
	}
}

// Flow checks that the pack has a flow (a sub-flow) named name.
func (c *Check) Flow(name string) {
	if _, ok := c.pack.Flows[name]; !ok {
		c.Errorf("no flow %q in pack %s", name, c.pack.Name)
	}
}

// Kind is the record kind the step's flow emits ("" for a sub-flow).
func (c *Check) Kind() string {
	if c.flow == nil {
		return ""
	}
	return c.flow.Kind
}

// Layouts are the layouts the step's flow may run on.
func (c *Check) Layouts() []*selectors.File { return c.layouts }

// HTMLReadable checks that the elements' candidates can be evaluated on
// pages fetched and read in Go (bots.HTMLPage), in every layout.
func (c *Check) HTMLReadable(names ...string) {
	for _, l := range c.layouts {
		for _, n := range names {
			if _, ok := l.Elements[n]; !ok || n == "" {
				continue // Element reports it
			}
			if err := bots.CheckHTMLReadable(l, n); err != nil {
				c.Errorf("%v", err)
			}
		}
	}
}
