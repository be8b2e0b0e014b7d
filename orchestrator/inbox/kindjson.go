package inbox

import "github.com/docket-rpa/docket/orchestrator"

// RecordJSON is an item's data laid out by its record kind (kindview.go):
// what the task page shows, for API clients that render it themselves.
type RecordJSON struct {
	Kind   orchestrator.ItemKind `json:"kind"`
	Label  string                `json:"label"`
	Fields []RecordFieldJSON     `json:"fields"`
	// Other are the extra fields and those the kind does not declare.
	Other    []RecordFieldJSON `json:"other"`
	Problems []RecordFieldJSON `json:"problems"`
	Masked   bool              `json:"masked"`
}

// RecordFieldJSON is one field: a formatted value, or a group's table.
type RecordFieldJSON struct {
	Name    string           `json:"name"`
	Label   string           `json:"label"`
	Type    string           `json:"type,omitempty"`
	Value   string           `json:"value"`
	Missing bool             `json:"missing,omitempty"`
	Group   *RecordGroupJSON `json:"group,omitempty"`
}

// RecordGroupJSON is a group's entries: a row of cells per entry.
type RecordGroupJSON struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Masked  bool       `json:"masked"`
}

func recordJSON(v recordView) *RecordJSON {
	return &RecordJSON{Kind: v.Kind, Label: v.Label, Fields: recordFieldsJSON(v.Rows), Other: recordFieldsJSON(v.Other),
		Problems: recordFieldsJSON(v.Problems), Masked: v.Masked}
}

func recordFieldsJSON(rows []fieldRow) []RecordFieldJSON {
	out := make([]RecordFieldJSON, 0, len(rows))
	for _, r := range rows {
		f := RecordFieldJSON{Name: r.Name, Label: r.Label, Type: string(r.Type), Value: r.Value, Missing: r.Missing}
		if g := r.Group; g != nil {
			f.Group = &RecordGroupJSON{Columns: nonNil(g.Columns), Rows: nonNil(g.Rows), Masked: g.Masked}
		}
		out = append(out, f)
	}
	return out
}
