package flow

import (
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// columnsSpec reads a list's rows by column header name (bots.ReadTable)
// into the record's top-level fields, with the layout's field group
// Fields mapping headers to fields. Without details, the record is the
// row's columns alone.
type columnsSpec struct {
	Headers string `yaml:"headers"`
	Cell    string `yaml:"cell"`
	Fields  string `yaml:"fields"`
	// KeyField is the field that holds the row's key (its link text) in
	// a flow without details.
	KeyField string `yaml:"key_field"`
}

func (c *columnsSpec) check(ch *Check, read map[string]bool) {
	ch.Required("columns.headers", c.Headers)
	ch.Required("columns.cell", c.Cell)
	ch.Element(c.Headers, c.Cell)
	kind, _ := ch.Pack().Kind(orchestrator.ItemKind(ch.Kind()))
	checkGroup(ch, kind, "columns", c.Fields, "", read)
}

// columnsRead is one row's cells and its page's headers.
type columnsRead struct {
	spec    *columnsSpec
	headers []string
	cells   []string
}

// fill parses the row's cells by header into root; a header the field
// group does not know keeps its value in extra. readPage has checked that
// the row has one cell per header.
func (c *columnsRead) fill(f *selectors.File, root map[string]any, extra map[string]string, problems *[]orchestrator.FieldProblem) {
	if c == nil {
		return
	}
	byLabel := map[string]string{}
	for i, h := range c.headers {
		label := selectors.ParseText(h)
		if _, dup := byLabel[label]; !dup {
			byLabel[label] = c.cells[i]
		}
	}
	fields := f.Fields[c.spec.Fields]
	for k, v := range parseGroup("", fields, byLabel, problems) {
		root[k] = v
	}
	keepExtra(extra, "", fields, byLabel)
}
