package flow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// typedKinds are the built-in kinds whose records have a Go type: a flow
// emitting one fills that type, so the item's data keeps the exact JSON
// (field order, omitted empties) the rules, SLA clocks and dashboards
// were built on, and a rerun over unchanged data is unchanged.
var typedKinds = map[orchestrator.ItemKind]func() any{
	orchestrator.KindCodingHold: func() any { return &orchestrator.CodingHold{} },
	orchestrator.KindClaimEdit:  func() any { return &orchestrator.ClaimEdit{} },
}

// build turns what the sections read into a record of kind and its
// problems. A field that is missing (and required by the selector file)
// or does not parse is left out and reported as a problem naming the
// field and the rule, never the value. Labels the field group does not
// know are kept under orchestrator.ExtraKey for kinds without a Go type.
func (d *detailsSpec) build(f *selectors.File, kind orchestrator.RecordKind, key string, read []sectionRead, base *columnsRead) (any, []orchestrator.FieldProblem) {
	var problems []orchestrator.FieldProblem
	root := map[string]any{}
	extra := map[string]string{}
	base.fill(f, root, extra, &problems)
	if d == nil {
		return finishRecord(kind, "", key, root, extra, problems)
	}
	for i, s := range d.Read {
		r := read[i]
		switch {
		case s.Pairs != nil:
			if !r.Present {
				continue
			}
			prefix := ""
			if s.Pairs.Into != "" {
				prefix = s.Pairs.Into + "."
			}
			byLabel := labelled(r.Pairs)
			v := parseGroup(prefix, f.Fields[s.Pairs.Fields], byLabel, &problems)
			keepExtra(extra, prefix, f.Fields[s.Pairs.Fields], byLabel)
			if s.Pairs.Into != "" {
				root[s.Pairs.Into] = v
				continue
			}
			for k, x := range v {
				root[k] = x
			}
			if d.KeyField != "" {
				if got, ok := root[d.KeyField]; ok && got != key {
					problems = append(problems, orchestrator.FieldProblem{Field: d.KeyField, Problem: problemOtherRecord})
				}
				root[d.KeyField] = key
			}
		case s.Table != nil:
			fields := f.Fields[s.Table.Fields]
			known := map[string]bool{}
			for _, fl := range fields {
				known[fl.Label] = true
			}
			column := map[string]int{}
			for c, h := range r.Headers {
				label := selectors.ParseText(h)
				if !known[label] {
					problems = append(problems, orchestrator.FieldProblem{Field: s.Table.Into, Problem: problemUnexpectedColumn})
					continue
				}
				if _, dup := column[label]; !dup {
					column[label] = c
				}
			}
			list := []any{}
			for n, cells := range r.Cells {
				row := map[string]string{}
				for label, c := range column {
					if c < len(cells) {
						row[label] = cells[c]
					}
				}
				list = append(list, parseGroup(fmt.Sprintf("%s[%d].", s.Table.Into, n), fields, row, &problems))
			}
			root[s.Table.Into] = list
		case s.Items != nil:
			item := selectors.Field{Name: s.Items.Into, Parser: selectors.ParseAsText, Optional: true}
			var list []any
			for _, text := range r.Items {
				v, ok, err := item.Parse(text)
				switch {
				case err != nil:
					problems = append(problems, problem("", err))
				case ok:
					list = append(list, v)
				}
			}
			if len(list) > 0 {
				root[s.Items.Into] = list
			}
		case s.Groups != nil:
			root[s.Groups.Into] = s.Groups.build(f, r, extra, &problems)
		}
	}
	return finishRecord(kind, d.KeyField, key, root, extra, problems)
}

// finishRecord puts the row's key in keyField and makes the record: the
// kind's Go type when it has one, else the map with the page's undeclared
// values under orchestrator.ExtraKey.
func finishRecord(kind orchestrator.RecordKind, keyField, key string, root map[string]any, extra map[string]string, problems []orchestrator.FieldProblem) (any, []orchestrator.FieldProblem) {
	if keyField != "" {
		root[keyField] = key
	}
	newTyped, ok := typedKinds[kind.Kind]
	if !ok {
		if len(extra) > 0 {
			root[orchestrator.ExtraKey] = extra
		}
		return root, problems
	}
	dst := newTyped()
	if err := fill(dst, root); err != nil {
		problems = append(problems, orchestrator.FieldProblem{Field: "", Problem: problemDoesNotFit})
	}
	return reflect.ValueOf(dst).Elem().Interface(), problems
}

// keepExtra keeps the values of labels the group does not know.
func keepExtra(extra map[string]string, prefix string, fields []selectors.Field, byLabel map[string]string) {
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.Label] = true
	}
	for label, v := range byLabel {
		if !known[label] {
			extra[prefix+label] = selectors.ParseText(v)
		}
	}
}

// labelled turns label/value pairs into a map keyed by the label as the
// selector file writes it; the first of repeated labels wins.
func labelled(pairs [][2]string) map[string]string {
	out := make(map[string]string, len(pairs))
	for _, p := range pairs {
		l := selectors.ParseText(p[0])
		if _, dup := out[l]; !dup {
			out[l] = p[1]
		}
	}
	return out
}

// parseGroup parses every field of a group from the page's values by
// label. A required field whose label the page lacks, or a value that
// does not parse, is added to problems (names prefixed with prefix); a
// missing field stays missing, never filled from another.
func parseGroup(prefix string, fields []selectors.Field, byLabel map[string]string, problems *[]orchestrator.FieldProblem) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		raw, ok := byLabel[f.Label]
		if !ok {
			if !f.Optional {
				*problems = append(*problems, orchestrator.FieldProblem{Field: prefix + f.Name, Problem: selectors.RuleMissing})
			}
			continue
		}
		v, present, err := f.Parse(raw)
		if err != nil {
			*problems = append(*problems, problem(prefix, err))
			continue
		}
		if present {
			out[f.Name] = v
		}
	}
	return out
}

// problem turns a parse error into a field problem; its rule never holds
// the value.
func problem(prefix string, err error) orchestrator.FieldProblem {
	if fe, ok := selectors.IsFieldError(err); ok {
		return orchestrator.FieldProblem{Field: prefix + fe.Field, Problem: fe.Rule}
	}
	return orchestrator.FieldProblem{Field: prefix, Problem: "unreadable"}
}

// fill stores values into dst through its JSON field names; an unknown
// name is an error rather than a silently dropped field.
func fill(dst any, values map[string]any) error {
	data, err := json.Marshal(values)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("fields do not fit %T: %w", dst, err)
	}
	return nil
}

// checkTyped fills a kind's Go type with a sample of every field the
// sections read, so a selector file whose names or parsers do not fit the
// type is refused by lint, not met on the first record of a run.
func checkTyped(c *Check, kind orchestrator.RecordKind, d *detailsSpec) {
	newTyped, ok := typedKinds[kind.Kind]
	if !ok {
		return
	}
	samples := map[selectors.Parser]any{
		selectors.ParseAsText: "x", selectors.ParseAsDate: "2026-01-02",
		selectors.ParseAsMoney: int64(1), selectors.ParseAsInt: int64(1), selectors.ParseAsBool: true,
		selectors.ParseAsICD10CM: "E11.9", selectors.ParseAsProcedure: "99213", selectors.ParseAsModifiers: []string{"25"},
		selectors.ParseAsNPI: "1234567893", selectors.ParseAsDRG: "470",
	}
	for _, l := range c.Layouts() {
		root := map[string]any{}
		for _, s := range d.Read {
			group := func(name string) map[string]any {
				v := map[string]any{}
				for _, f := range l.Fields[name] {
					v[f.Name] = samples[f.Parser]
				}
				return v
			}
			switch {
			case s.Pairs != nil && s.Pairs.Into == "":
				for k, v := range group(s.Pairs.Fields) {
					root[k] = v
				}
			case s.Pairs != nil:
				root[s.Pairs.Into] = group(s.Pairs.Fields)
			case s.Table != nil:
				root[s.Table.Into] = []any{group(s.Table.Fields)}
			case s.Items != nil:
				root[s.Items.Into] = []string{"x"}
			}
		}
		if err := fill(newTyped(), root); err != nil {
			c.Errorf("layout %s: the fields read do not fit kind %s's record type: %v", l.Version, kind.Kind, err)
		}
	}
}
