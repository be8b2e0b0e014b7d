package inbox

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// recordView is an item's data as people read it, laid out by its record
// kind's declaration: declared fields in order with their labels and
// formatted values, groups as small tables, and what the kind does not
// declare (its extra fields, fields of older data) under Other. Values
// stay text: the template escapes them.
type recordView struct {
	Kind  orchestrator.ItemKind
	Label string // the kind's label
	Rows  []fieldRow
	Other []fieldRow
	// Problems are the fields that failed to parse or validate when the
	// item was read (orchestrator.ProblemsKey): Label names the field,
	// Value says what is wrong.
	Problems []fieldRow
	Masked   bool // PHI values are shown as orchestrator.Masked
}

// fieldRow is one field: a value, or a group's table.
type fieldRow struct {
	Name    string // the data's name; "_extra.NAME" for an extra field
	Label   string
	Type    orchestrator.FieldType
	Value   string
	Missing bool       // a required field the record does not have
	Group   *groupView // for a group
}

// groupView is a group's entries as a table.
type groupView struct {
	Columns []string   // labels
	Rows    [][]string // one per entry, a cell per column
	Masked  bool       // the whole group is PHI and masked
}

// decodeData reads an item's data as an object of raw fields; ok is false
// for data that is not an object.
func decodeData(data json.RawMessage) (fields map[string]json.RawMessage, ok bool) {
	if json.Unmarshal(data, &fields) != nil || fields == nil {
		return nil, false
	}
	return fields, true
}

// viewRecord lays data out by kind k (known false: a kind the registry
// does not hold, all PHI). masked hides every PHI value: the kind's PHI
// fields, its PHI group fields, the extra fields and everything of an
// unknown kind.
func viewRecord(k orchestrator.RecordKind, known bool, data json.RawMessage, masked bool) recordView {
	v := recordView{Kind: k.Kind, Label: k.Label, Masked: masked}
	if v.Label == "" {
		v.Label = string(k.Kind)
	}
	fields, ok := decodeData(data)
	if !ok {
		v.Other = []fieldRow{{Name: "data", Label: "Data", Value: maskIf(masked, fieldText(data))}}
		return v
	}
	declared := map[string]bool{}
	if known {
		for _, f := range k.Fields {
			declared[f.Name] = true
			raw, has := fields[f.Name]
			if !has || string(raw) == "null" {
				if f.Required {
					v.Rows = append(v.Rows, fieldRow{Name: f.Name, Label: f.Label, Type: f.Type, Missing: true})
				}
				continue
			}
			v.Rows = append(v.Rows, formatField(f, raw, masked && k.IsPHI(f.Name), masked))
		}
	}
	var other []string
	for name := range fields {
		if !declared[name] && name != orchestrator.ExtraKey && name != orchestrator.ProblemsKey {
			other = append(other, name)
		}
	}
	sort.Strings(other)
	for _, name := range other {
		v.Other = append(v.Other, fieldRow{Name: name, Label: name, Value: maskIf(masked, fieldText(fields[name]))})
	}
	if raw, has := fields[orchestrator.ExtraKey]; has {
		v.Other = append(v.Other, extraRows(raw, masked)...)
	}
	if raw, has := fields[orchestrator.ProblemsKey]; has {
		v.Problems = problemRows(k, raw, masked)
	}
	return v
}

// problemRows are the record's problems, each naming its field by label.
// A problem's words may quote what the page showed: masked hides them.
func problemRows(k orchestrator.RecordKind, raw json.RawMessage, masked bool) []fieldRow {
	var problems []orchestrator.FieldProblem
	if json.Unmarshal(raw, &problems) != nil {
		return []fieldRow{{Name: orchestrator.ProblemsKey, Label: "Problems", Value: maskIf(masked, fieldText(raw))}}
	}
	out := make([]fieldRow, 0, len(problems))
	for _, p := range problems {
		label := p.Field
		if f, ok := k.Field(p.Field); ok && f.Label != "" {
			label = f.Label
		}
		out = append(out, fieldRow{Name: p.Field, Label: label, Value: maskIf(masked, p.Problem)})
	}
	return out
}

// summaryRows are the kind's display fields (its key without them) as the
// inbox list and the task summary show them.
func summaryRows(k orchestrator.RecordKind, known bool, data json.RawMessage, masked bool) []fieldRow {
	if !known {
		return nil
	}
	names := k.Display
	if len(names) == 0 {
		names = k.Key
	}
	fields, ok := decodeData(data)
	if !ok {
		return nil
	}
	var out []fieldRow
	for _, name := range names {
		f, _ := k.Field(name)
		raw, has := fields[name]
		if !has || string(raw) == "null" {
			continue
		}
		out = append(out, formatField(f, raw, masked && k.IsPHI(name), masked))
	}
	return out
}

// extraRows are the extra fields (a JSON object of strings), sorted by
// name; their values are PHI.
func extraRows(raw json.RawMessage, masked bool) []fieldRow {
	var extra map[string]json.RawMessage
	if json.Unmarshal(raw, &extra) != nil {
		return []fieldRow{{Name: orchestrator.ExtraKey, Label: "Other", Value: maskIf(masked, fieldText(raw))}}
	}
	names := make([]string, 0, len(extra))
	for name := range extra {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]fieldRow, 0, len(names))
	for _, name := range names {
		out = append(out, fieldRow{Name: orchestrator.ExtraKey + "." + name, Label: name, Value: maskIf(masked, fieldText(extra[name]))})
	}
	return out
}

// formatField formats one declared field. hide masks its value (or the
// whole group); masked masks a group's PHI fields and undeclared keys.
func formatField(f orchestrator.KindField, raw json.RawMessage, hide, masked bool) fieldRow {
	row := fieldRow{Name: f.Name, Label: f.Label, Type: f.Type}
	if row.Label == "" {
		row.Label = f.Name
	}
	if f.Type == orchestrator.FieldGroup {
		row.Group = formatGroup(f, raw, hide, masked)
		return row
	}
	row.Value = maskIf(hide, formatValue(f.Type, raw))
	return row
}

// formatGroup lays out a group: one object or a list of objects. Columns
// are the declared fields some entry has, in order, then undeclared keys.
func formatGroup(f orchestrator.KindField, raw json.RawMessage, hide, masked bool) *groupView {
	if hide {
		return &groupView{Masked: true}
	}
	var entries []map[string]json.RawMessage
	var one map[string]json.RawMessage
	if json.Unmarshal(raw, &one) == nil && one != nil {
		entries = []map[string]json.RawMessage{one}
	} else if json.Unmarshal(raw, &entries) != nil {
		// Neither: show the value as text in one cell.
		return &groupView{Columns: []string{f.Label}, Rows: [][]string{{maskIf(masked, fieldText(raw))}}}
	}
	type column struct {
		name, label string
		field       orchestrator.KindField
		declared    bool
	}
	var cols []column
	has := func(name string) bool {
		for _, e := range entries {
			if v, ok := e[name]; ok && string(v) != "null" {
				return true
			}
		}
		return false
	}
	for _, sf := range f.Fields {
		if has(sf.Name) {
			label := sf.Label
			if label == "" {
				label = sf.Name
			}
			cols = append(cols, column{sf.Name, label, sf, true})
		}
	}
	var extra []string
	for _, e := range entries {
		for name := range e {
			known := slices.ContainsFunc(f.Fields, func(sf orchestrator.KindField) bool { return sf.Name == name })
			if !known && !slices.Contains(extra, name) {
				extra = append(extra, name)
			}
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		cols = append(cols, column{name: name, label: name})
	}
	g := &groupView{}
	for _, c := range cols {
		g.Columns = append(g.Columns, c.label)
	}
	for _, e := range entries {
		cells := make([]string, len(cols))
		for i, c := range cols {
			v, ok := e[c.name]
			switch {
			case !ok || string(v) == "null":
			case !c.declared:
				cells[i] = maskIf(masked, fieldText(v))
			default:
				cells[i] = maskIf(masked && c.field.PHI, formatValue(c.field.Type, v))
			}
		}
		g.Rows = append(g.Rows, cells)
	}
	return g
}

// formatValue formats a value of type t for people; a value that does not
// have its type's shape is shown as it is.
func formatValue(t orchestrator.FieldType, raw json.RawMessage) string {
	var s string
	isString := json.Unmarshal(raw, &s) == nil
	switch t {
	case orchestrator.FieldMoneyCents:
		n, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		if isString {
			n, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		}
		if err == nil {
			return money(n)
		}
	case orchestrator.FieldDate:
		if d, err := time.Parse(time.DateOnly, s); isString && err == nil {
			return d.Format("Jan 2, 2006")
		}
	case orchestrator.FieldDateTime:
		if d, err := time.Parse(time.RFC3339, s); isString && err == nil {
			return d.Format("Jan 2, 2006 15:04 MST")
		}
	case orchestrator.FieldBool:
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			if b {
				return "Yes"
			}
			return "No"
		}
	case orchestrator.FieldCodeList:
		var list []string
		if json.Unmarshal(raw, &list) == nil {
			return strings.Join(list, ", ")
		}
	}
	return fieldText(raw)
}

// money formats cents as dollars: 123456 is "$1,234.56".
func money(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-(cents+1))+1
	}
	dollars := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	for i, c := range dollars {
		if i > 0 && (len(dollars)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + "$" + b.String() + "." + strconv.FormatUint(100+u%100, 10)[1:]
}

func maskIf(mask bool, s string) string {
	if mask && s != "" {
		return orchestrator.Masked
	}
	return s
}

// fieldText is a string as it is, anything else as JSON without the
// \u003c escapes encoding/json stored (the template escapes instead).
func fieldText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return string(v)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(x) != nil {
		return string(v)
	}
	return strings.TrimSpace(b.String())
}

// viewItem lays out an item's data by the kind the registry holds for it
// now, with its summary rows.
func (s *Server) viewItem(it orchestrator.WorkItem, masked bool) (recordView, []fieldRow) {
	k, known := s.kindOf(it)
	return viewRecord(k, known, it.Data, masked), summaryRows(k, known, it.Data, masked)
}

// kindOf is the declaration of it's kind as the registry holds it now (a
// bare one, known false, when none does). A page that shows an item more
// than once looks it up once, so every part shows the same version while
// packs reload.
func (s *Server) kindOf(it orchestrator.WorkItem) (k orchestrator.RecordKind, known bool) {
	k, known = s.cfg.Kinds.Lookup(it.Kind)
	if !known {
		k = orchestrator.RecordKind{Kind: it.Kind, Label: string(it.Kind)}
	}
	return k, known
}
