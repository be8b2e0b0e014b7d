package claimscrubber

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Problems the bot adds besides the parsers' rules. None repeats a value.
const (
	problemDisagree      = "screen and CSV export disagree"
	problemNotInExport   = "missing from the CSV export"
	problemOnlyInExport  = "in the CSV export but not on the screens"
	problemExportBroken  = "CSV export could not be read"
	problemOtherClaim    = "claim page shows another claim"
	problemRepeated      = "edit id repeats on the claim"
	problemRepeatedInCSV = "edit id repeats in the CSV export"
	problemExportPrefix  = "CSV export: "
	fieldEdit            = "edit"
	fieldExport          = "export"
	fieldDiagnoses       = "diagnoses"
)

// parsedEdit is one edit as read from one source: parsed values by the
// selector file's field names (ClaimEdit's JSON names) and the fields
// that failed.
type parsedEdit struct {
	key      string // claim id + ":" + edit id: the observation's external id
	values   map[string]any
	problems []orchestrator.FieldProblem
}

func (e *parsedEdit) problem(field, rule string) {
	e.problems = append(e.problems, orchestrator.FieldProblem{Field: field, Problem: rule})
}

// failed reports whether field has a problem from its own source.
func (e *parsedEdit) failed(field string) (string, bool) {
	for _, p := range e.problems {
		if p.Field == field && !strings.HasPrefix(p.Problem, problemExportPrefix) {
			return p.Problem, true
		}
	}
	return "", false
}

// parseFields parses a group's fields from the page's (or file's) values
// by label. Failures become problems named after the field; labels the
// file does not know are ignored (portals add columns).
func parseFields(fields []selectors.Field, byLabel map[string]string, into *parsedEdit) {
	for _, f := range fields {
		raw, ok := byLabel[f.Label]
		if !ok {
			if !f.Optional {
				into.problem(f.Name, selectors.RuleMissing)
			}
			continue
		}
		v, present, err := f.Parse(raw)
		if err != nil {
			rule := "unreadable"
			if fe, ok := selectors.IsFieldError(err); ok {
				rule = fe.Rule
			}
			into.problem(f.Name, rule)
			continue
		}
		if present && f.Name == fieldDiagnoses {
			if v, err = diagnosisList(v); err != nil {
				into.problem(f.Name, err.Error())
				continue
			}
		}
		if present {
			into.values[f.Name] = v
		}
	}
}

// diagnosisList splits a list of ICD-10-CM codes ("E11.9, I10") and checks
// each; the selector file reads it as text because no parser reads lists
// of diagnoses.
func diagnosisList(v any) ([]string, error) {
	s, _ := v.(string)
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '|' || r == ' ' }) {
		code, err := selectors.ParseICD10CM(part)
		if err != nil {
			return nil, err
		}
		out = append(out, code)
	}
	return out, nil
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

// byHeading maps one table row's cells to their column headings.
func byHeading(headings, cells []string) map[string]string {
	out := make(map[string]string, len(headings))
	for i, h := range headings {
		h = selectors.ParseText(h)
		if _, dup := out[h]; !dup && i < len(cells) {
			out[h] = cells[i]
		}
	}
	return out
}

// screenEdits parses one claim page into its edits: the claim header's
// fields go into every edit of the claim.
func (b *Bot) screenEdits(claimID string, d claimPage) []*parsedEdit {
	header := &parsedEdit{values: map[string]any{}}
	parseFields(b.fields[groupClaim], labelled(d.Header), header)
	if id, ok := header.values["claim_id"].(string); ok && id != claimID {
		header.problem("claim_id", problemOtherClaim)
		header.values["claim_id"] = claimID
	}
	var out []*parsedEdit
	keys := map[string]*parsedEdit{}
	for i, cells := range d.Edits {
		e := &parsedEdit{values: map[string]any{}}
		for k, v := range header.values {
			e.values[k] = v
		}
		e.problems = append(e.problems, header.problems...)
		parseFields(b.fields[groupEdit], byHeading(d.EditHeaders, cells), e)
		editID, ok := e.values["edit_id"].(string)
		if !ok {
			editID = "row" + strconv.Itoa(i+1)
		}
		e.key = claimID + ":" + editID
		if first, dup := keys[e.key]; dup {
			first.problem("edit_id", problemRepeated)
			continue
		}
		keys[e.key] = e
		out = append(out, e)
	}
	return out
}

// claimEdit fills the record from parsed values through its JSON names.
func claimEdit(values map[string]any) (orchestrator.ClaimEdit, error) {
	var ce orchestrator.ClaimEdit
	return ce, fill(&ce, values)
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

// checkFieldNames rejects a selector file whose field names are not
// ClaimEdit's JSON names, or whose parser gives the wrong type for one, by
// filling a record with a sample of every field.
func checkFieldNames(groups map[string][]selectors.Field) error {
	samples := map[selectors.Parser]any{
		selectors.ParseAsDate: "2026-01-02", selectors.ParseAsMoney: int64(1), selectors.ParseAsInt: int64(1),
		selectors.ParseAsBool: true, selectors.ParseAsModifiers: []string{"25"},
	}
	for g, fields := range groups {
		values := map[string]any{}
		for _, f := range fields {
			v, ok := samples[f.Parser]
			if !ok {
				v = "x"
			}
			if f.Name == fieldDiagnoses {
				v = []string{"E11.9"}
			}
			values[f.Name] = v
		}
		if _, err := claimEdit(values); err != nil {
			return fmt.Errorf("claimscrubber: field group %s: %w", g, err)
		}
	}
	return nil
}
