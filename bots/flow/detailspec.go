package flow

import (
	"fmt"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// detailsSpec says how a detail page is read: by label, in sections, each
// filling fields of the record from a field group of the layout's
// selector file (whose labels are the page's, per layout).
type detailsSpec struct {
	// Fetch fetches the detail pages over the browser session in batches
	// and reads them in Go (server-rendered pages: the fast path). It is
	// the only way this version reads details and must be true.
	Fetch bool `yaml:"fetch"`
	// KeyField is the field of the record the page shows the row's key
	// in; a page showing another key is a problem of the record, and the
	// field always holds the row's key.
	KeyField string        `yaml:"key_field"`
	Read     []sectionSpec `yaml:"read"`
}

// sectionSpec is one section of a detail page; exactly one of its kinds.
type sectionSpec struct {
	Pairs  *pairsSpec  `yaml:"pairs"`
	Table  *tableSpec  `yaml:"table"`
	Items  *itemsSpec  `yaml:"items"`
	Groups *groupsSpec `yaml:"groups"`
}

// pairsSpec reads label/value pairs (a kv table, a definition list):
// rows, and the label and value inside each. Into "" fills the record's
// top level; else a group field (an object), present only when the page
// has the section.
type pairsSpec struct {
	Rows   string `yaml:"rows"`
	Label  string `yaml:"label"`
	Value  string `yaml:"value"`
	Fields string `yaml:"fields"`
	Into   string `yaml:"into"`
}

// tableSpec reads a repeated group as a table by header name: each row
// one entry of the group field Into. A cell a row lacks stays missing; a
// column the field group does not know is a problem of the record.
type tableSpec struct {
	Headers string `yaml:"headers"`
	Rows    string `yaml:"rows"`
	Cell    string `yaml:"cell"`
	Fields  string `yaml:"fields"`
	Into    string `yaml:"into"`
}

// itemsSpec reads a list of texts (list items) into a code_list field.
type itemsSpec struct {
	Items string `yaml:"items"`
	Into  string `yaml:"into"`
}

// sectionRead is what one section found on a page.
type sectionRead struct {
	Present bool
	Pairs   [][2]string
	Headers []string
	Cells   [][]string
	Items   []string
	Groups  [][][2]string // groups: each block's pairs
}

// Problems besides the field parsers' own rules.
const (
	problemUnexpectedColumn = "unexpected column"
	problemOtherRecord      = "detail page shows another record"
	problemDoesNotFit       = "value does not fit the record"
)

func (d *detailsSpec) check(c *Check, read map[string]bool) {
	if !d.Fetch {
		c.Errorf("details: fetch must be true (details are fetched over the session and read by label)")
	}
	if len(d.Read) == 0 {
		c.Errorf("details: read lists no sections")
	}
	kind, _ := c.Pack().Kind(orchestrator.ItemKind(c.Kind()))
	if d.KeyField != "" {
		if _, ok := kind.Field(d.KeyField); !ok {
			c.Errorf("details: key_field %s is not a field of kind %s", d.KeyField, kind.Kind)
		}
	}
	for i, s := range d.Read {
		n := 0
		where := fmt.Sprintf("details.read[%d]", i)
		if p := s.Pairs; p != nil {
			n++
			c.Required(where+".pairs.rows", p.Rows)
			c.Element(p.Rows, p.Label, p.Value)
			c.HTMLReadable(p.Rows, p.Label, p.Value)
			checkGroup(c, kind, where, p.Fields, p.Into, read)
		}
		if t := s.Table; t != nil {
			n++
			c.Element(t.Headers, t.Rows, t.Cell)
			c.HTMLReadable(t.Headers, t.Rows, t.Cell)
			c.Required(where+".table.into", t.Into)
			checkGroup(c, kind, where, t.Fields, t.Into, read)
		}
		if it := s.Items; it != nil {
			n++
			c.Element(it.Items)
			c.HTMLReadable(it.Items)
			f, ok := kind.Field(it.Into)
			if !ok || f.Type != orchestrator.FieldCodeList {
				c.Errorf("%s.items.into: kind %s has no code_list field %q", where, kind.Kind, it.Into)
			}
			read[it.Into] = true
		}
		if g := s.Groups; g != nil {
			n++
			g.check(c, kind, where, read)
		}
		if n != 1 {
			c.Errorf("%s: want exactly one of pairs, table, items, groups", where)
		}
	}
	for _, f := range kind.Fields {
		if f.Required && !read[f.Name] && f.Name != d.KeyField {
			c.Errorf("details: required field %s of kind %s is read by no section", f.Name, kind.Kind)
		}
	}
	checkTyped(c, kind, d)
}

// parserTypes says which field types each parser's values may fill.
var parserTypes = map[selectors.Parser][]orchestrator.FieldType{
	selectors.ParseAsText:      {orchestrator.FieldText, orchestrator.FieldCode, orchestrator.FieldDate, orchestrator.FieldDateTime},
	selectors.ParseAsDate:      {orchestrator.FieldDate, orchestrator.FieldText},
	selectors.ParseAsMoney:     {orchestrator.FieldMoneyCents},
	selectors.ParseAsInt:       {orchestrator.FieldInt, orchestrator.FieldMoneyCents},
	selectors.ParseAsBool:      {orchestrator.FieldBool},
	selectors.ParseAsICD10CM:   {orchestrator.FieldCode, orchestrator.FieldText},
	selectors.ParseAsProcedure: {orchestrator.FieldCode, orchestrator.FieldText},
	selectors.ParseAsModifiers: {orchestrator.FieldCodeList},
	selectors.ParseAsNPI:       {orchestrator.FieldCode, orchestrator.FieldText},
	selectors.ParseAsDRG:       {orchestrator.FieldCode, orchestrator.FieldText},
}

// checkGroup checks that every field of the field group (in every layout)
// is a field of the kind (under into) of a type its parser fills.
func checkGroup(c *Check, kind orchestrator.RecordKind, where, group, into string, read map[string]bool) {
	if group == "" {
		c.Errorf("%s: fields (a field group of the selector files) is required", where)
		return
	}
	fields := kind.Fields
	if into != "" {
		g, ok := kind.Field(into)
		if !ok || g.Type != orchestrator.FieldGroup {
			c.Errorf("%s: into: kind %s has no group field %q", where, kind.Kind, into)
			return
		}
		fields = g.Fields
		read[into] = true
	}
	for version, fs := range c.Group(group) {
		for _, f := range fs {
			kf, ok := findField(fields, f.Name)
			if !ok {
				c.Errorf("%s: field %s of group %s (layout %s) is not a field of kind %s", where, fieldPath(into, f.Name), group, version, kind.Kind)
				continue
			}
			if !contains(typeNames(parserTypes[f.Parser]), string(kf.Type)) {
				c.Errorf("%s: field %s (layout %s) has parser %s, which cannot fill a %s field", where, fieldPath(into, f.Name), version, f.Parser, kf.Type)
			}
			if into == "" {
				read[f.Name] = true
			}
		}
	}
}

func findField(fields []orchestrator.KindField, name string) (orchestrator.KindField, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return orchestrator.KindField{}, false
}

func typeNames(ts []orchestrator.FieldType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// read reads every section from a fetched page.
func (d *detailsSpec) read(p *bots.HTMLPage) []sectionRead {
	out := make([]sectionRead, len(d.Read))
	for i, s := range d.Read {
		switch {
		case s.Pairs != nil:
			if rows := p.Require(s.Pairs.Rows); rows != nil {
				out[i] = sectionRead{Present: true, Pairs: p.Pairs(rows, s.Pairs.Label, s.Pairs.Value)}
			}
		case s.Table != nil:
			r := sectionRead{Present: true, Headers: bots.Texts(p.Require(s.Table.Headers))}
			for _, row := range p.Find(nil, s.Table.Rows) {
				r.Cells = append(r.Cells, bots.Texts(p.Find(row, s.Table.Cell)))
			}
			out[i] = r
		case s.Items != nil:
			out[i] = sectionRead{Present: true, Items: bots.Texts(p.Require(s.Items.Items))}
		case s.Groups != nil:
			out[i] = s.Groups.read(p)
		}
	}
	return out
}
