package codingholds

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// holdFrom parses one detail page into a CodingHold. The selector file's
// field names are CodingHold's JSON names, so the typed values go through
// a map and encoding/json instead of a switch per field. Errors name the
// account and field, never the value (it may be patient data).
func (b *Bot) holdFrom(acct string, d detailPage) (orchestrator.CodingHold, error) {
	var hold orchestrator.CodingHold
	where := "account " + acct
	detail, err := parseGroup(where, b.fields[groupDetail], labelled(d.Fields))
	if err != nil {
		return hold, err
	}
	if err := fill(&hold, detail); err != nil {
		return hold, fmt.Errorf("codingholds: %s: %w", where, err)
	}
	if hold.AccountNumber != acct {
		return hold, fmt.Errorf("codingholds: %s: detail page shows account %s", where, hold.AccountNumber)
	}

	column := map[string]int{}
	for i, h := range d.ReasonHeaders {
		if _, dup := column[selectors.ParseText(h)]; !dup {
			column[selectors.ParseText(h)] = i
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
		v, err := parseGroup(fmt.Sprintf("%s hold reason %d", where, i+1), b.fields[groupHoldReason], row)
		if err != nil {
			return hold, err
		}
		var hr orchestrator.HoldReason
		if err := fill(&hr, v); err != nil {
			return hold, fmt.Errorf("codingholds: %s hold reason %d: %w", where, i+1, err)
		}
		hold.HoldReasons = append(hold.HoldReasons, hr)
	}

	if d.Query != nil {
		v, err := parseGroup(where+" query", b.fields[groupQuery], labelled(d.Query))
		if err != nil {
			return hold, err
		}
		hold.Query = &orchestrator.Query{}
		if err := fill(hold.Query, v); err != nil {
			return hold, fmt.Errorf("codingholds: %s query: %w", where, err)
		}
	}
	for _, item := range d.Deficiencies {
		if t := selectors.ParseText(item); t != "" {
			hold.Deficiencies = append(hold.Deficiencies, t)
		}
	}
	return hold, nil
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
// label. A required field whose label the page lacks is an error; labels
// the file does not know are ignored (portals add fields).
func parseGroup(where string, fields []selectors.Field, byLabel map[string]string) (map[string]any, error) {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		raw, ok := byLabel[f.Label]
		if !ok {
			if f.Optional {
				continue
			}
			return nil, fmt.Errorf("codingholds: %s: field %s (%q) is missing from the page", where, f.Name, f.Label)
		}
		v, present, err := f.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("codingholds: %s: %w", where, err)
		}
		if present {
			out[f.Name] = v
		}
	}
	return out, nil
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
