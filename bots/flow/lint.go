package flow

import (
	"path"
	"slices"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Lint checks a decoded pack: the pack file against its layouts, and
// every step of every flow (its elements are in every layout the flow may
// run on, its exprs compile, its fields have parsers and are declared by
// the record kind). LoadPack runs it; a pack with findings never runs.
func Lint(p *Pack) []Finding {
	var out []Finding
	packFile := path.Join(p.Source, "pack.yaml")
	bad := func(file, format string, args ...any) {
		c := &Check{pack: p, file: file, findings: &out}
		c.Errorf(format, args...)
	}
	if len(p.Layouts) == 0 {
		bad(path.Join(p.Source, "selectors"), "the pack has no selector files")
		return out
	}
	for _, l := range p.Layouts {
		if l.Portal != p.Portal {
			bad(l.Source, "portal %s, but the pack is for portal %s", l.Portal, p.Portal)
		}
		if len(p.Layouts) > 1 && p.Pinned == "" && l.Marker == "" {
			bad(l.Source, "the pack has several layouts, but this one has no marker element to detect it by")
		}
	}
	if _, ok := p.Layout(p.Pinned); p.Pinned != "" && !ok {
		bad(packFile, "pin names layout %s, which the pack lacks", p.Pinned)
	}
	for v, s := range p.Settings {
		if _, ok := p.Layout(v); !ok {
			bad(packFile, "layouts: no selector file of version %s", v)
		}
		if s.PageSize != nil && (s.PageSize.Param == "" || s.PageSize.Largest < 1) {
			bad(packFile, "layouts.%s.page_size needs param and a positive largest", v)
		}
	}
	root := &Check{pack: p, file: packFile, layouts: p.Layouts, findings: &out}
	root.Element(p.Maintenance)
	if si := p.SignIn; si != nil {
		root.Element(si.Username, si.Password, si.Submit, si.OTP, si.OTPSubmit, si.Error)
		root.Element(si.SignedIn...)
		if si.Username == "" || si.Password == "" || si.Submit == "" || si.Error == "" || len(si.SignedIn) == 0 {
			root.Errorf("sign_in needs username, password, submit, error and signed_in")
		}
		lintSteps(p, nil, p.Layouts, packFile, si.After, &out)
	}
	names := make([]string, 0, len(p.Flows))
	for n := range p.Flows {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f := p.Flows[n]
		layouts := p.Layouts
		if len(f.Layouts) > 0 {
			layouts = nil
			for _, v := range f.Layouts {
				l, ok := p.Layout(v)
				if !ok {
					bad(f.Source, "layouts: the pack has no layout %s", v)
					continue
				}
				layouts = append(layouts, l)
			}
		}
		if f.Kind != "" {
			if _, ok := p.Kind(orchestrator.ItemKind(f.Kind)); !ok {
				bad(f.Source, "kind %s is not declared in the pack's kinds/", f.Kind)
			}
		}
		lintSteps(p, f, layouts, f.Source, f.Steps, &out)
	}
	return out
}

func lintSteps(p *Pack, f *Flow, layouts []*selectors.File, file string, steps Steps, out *[]Finding) {
	walkSteps(steps, func(e *StepEntry) {
		c := &Check{pack: p, flow: f, layouts: layouts, file: file, entry: e, findings: out}
		e.cond = c.Expr(e.If)
		e.Step.Check(c)
	})
}
