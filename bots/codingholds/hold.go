package codingholds

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Problems the bot reports besides the field parsers' own rules.
const (
	problemUnexpectedColumn = "unexpected column"
	problemOtherAccount     = "detail page shows another account"
	problemDoesNotFit       = "value does not fit the record"
)

// holdFrom parses one detail page into a CodingHold. The selector file's
// field names are CodingHold's JSON names, so the typed values go through
// a map and encoding/json instead of a switch per field. A field that is
// missing or does not parse is left empty and reported as a problem that
// names the field and the rule, never the value (it may be patient data).
func (l *layout) holdFrom(acct string, d detailPage) (orchestrator.CodingHold, []orchestrator.FieldProblem) {
	var hold orchestrator.CodingHold
	var problems []orchestrator.FieldProblem
	detail := parseGroup("", l.fields[groupDetail], labelled(d.Fields), &problems)
	fillInto(&hold, "", detail, &problems)
	if hold.AccountNumber != acct && hold.AccountNumber != "" {
		problems = append(problems, orchestrator.FieldProblem{Field: "account_number", Problem: problemOtherAccount})
	}
	hold.AccountNumber = acct

	known := map[string]bool{}
	for _, f := range l.fields[groupHoldReason] {
		known[f.Label] = true
	}
	column := map[string]int{}
	for i, h := range d.ReasonHeaders {
		label := selectors.ParseText(h)
		if !known[label] {
			problems = append(problems, orchestrator.FieldProblem{Field: "hold_reasons", Problem: problemUnexpectedColumn})
			continue
		}
		if _, dup := column[label]; !dup {
			column[label] = i
		}
	}
	hold.HoldReasons = []orchestrator.HoldReason{}
	for i, cells := range d.Reasons {
		row := map[string]string{}
		for label, col := range column {
			if col < len(cells) {
				row[label] = cells[col]
			}
		}
		prefix := fmt.Sprintf("hold_reasons[%d].", i)
		v := parseGroup(prefix, l.fields[groupHoldReason], row, &problems)
		var hr orchestrator.HoldReason
		fillInto(&hr, prefix, v, &problems)
		hold.HoldReasons = append(hold.HoldReasons, hr)
	}

	if d.Query != nil {
		v := parseGroup("query.", l.fields[groupQuery], labelled(d.Query), &problems)
		hold.Query = &orchestrator.Query{}
		fillInto(hold.Query, "query.", v, &problems)
	}
	deficiency := selectors.Field{Name: "deficiencies", Parser: selectors.ParseAsText, Optional: true}
	for _, item := range d.Deficiencies {
		v, ok, err := deficiency.Parse(item)
		switch {
		case err != nil:
			problems = append(problems, problem("", err))
		case ok:
			hold.Deficiencies = append(hold.Deficiencies, v.(string))
		}
	}
	return hold, problems
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
// label. A required field whose label the page lacks, or a value that does
// not parse, is added to problems (field names prefixed with prefix);
// labels the file does not know are ignored (portals add fields).
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

// problem turns a parse error into a field problem. Parse errors are
// *selectors.FieldError, whose rule never holds the value.
func problem(prefix string, err error) orchestrator.FieldProblem {
	if fe, ok := selectors.IsFieldError(err); ok {
		return orchestrator.FieldProblem{Field: prefix + fe.Field, Problem: fe.Rule}
	}
	return orchestrator.FieldProblem{Field: prefix, Problem: "unreadable"}
}

func fillInto(dst any, prefix string, values map[string]any, problems *[]orchestrator.FieldProblem) {
	if err := fill(dst, values); err != nil {
		*problems = append(*problems, orchestrator.FieldProblem{Field: prefix, Problem: problemDoesNotFit})
	}
}

// fill stores parsed values into dst through its JSON field names. An
// unknown name is an error rather than a silently dropped field.
func fill(dst any, values map[string]any) error {
	data, err := json.Marshal(values)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("selector fields do not fit %T: %w", dst, err)
	}
	return nil
}

// checkFieldNames rejects a selector file whose field names are not the
// JSON names of the records they fill, or whose parser gives the wrong
// type for one, by filling each record with a sample of every field.
func checkFieldNames(groups map[string][]selectors.Field) error {
	samples := map[selectors.Parser]any{
		selectors.ParseAsText: "x", selectors.ParseAsDate: "2026-01-02",
		selectors.ParseAsMoney: int64(1), selectors.ParseAsInt: int64(1), selectors.ParseAsBool: true,
		selectors.ParseAsICD10CM: "E11.9", selectors.ParseAsProcedure: "99213", selectors.ParseAsModifiers: []string{"25"},
		selectors.ParseAsNPI: "1234567893", selectors.ParseAsDRG: "470",
	}
	targets := map[string]func() any{
		groupDetail:     func() any { return &orchestrator.CodingHold{} },
		groupHoldReason: func() any { return &orchestrator.HoldReason{} },
		groupQuery:      func() any { return &orchestrator.Query{} },
	}
	for g, fields := range groups {
		values := map[string]any{}
		for _, f := range fields {
			values[f.Name] = samples[f.Parser]
		}
		if err := fill(targets[g](), values); err != nil {
			return fmt.Errorf("codingholds: field group %s: %w", g, err)
		}
	}
	return nil
}
