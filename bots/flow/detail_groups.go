package flow

import (
	"fmt"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// groupsSpec reads a repeated group laid out as one block of label/value
// pairs per entry (a definition list or a card per hold reason): groups
// selects the blocks, rows the pairs inside one, label and value inside a
// pair. Each block is one entry of the group field into, read by label: a
// pair a block lacks stays missing and never takes another's place. A
// label without a value is left out as a missing value.
type groupsSpec struct {
	Groups string `yaml:"groups"`
	Rows   string `yaml:"rows"`
	Label  string `yaml:"label"`
	Value  string `yaml:"value"`
	Fields string `yaml:"fields"`
	Into   string `yaml:"into"`
}

func (g *groupsSpec) check(c *Check, kind orchestrator.RecordKind, where string, read map[string]bool) {
	c.Required(where+".groups.groups", g.Groups)
	c.Required(where+".groups.rows", g.Rows)
	c.Required(where+".groups.into", g.Into)
	c.Element(g.Groups, g.Rows, g.Label, g.Value)
	c.HTMLReadable(g.Groups, g.Rows, g.Label, g.Value)
	checkGroup(c, kind, where, g.Fields, g.Into, read)
}

// read returns each block's pairs, in page order.
func (g *groupsSpec) read(p *bots.HTMLPage) sectionRead {
	r := sectionRead{Present: true}
	for _, block := range p.Find(nil, g.Groups) {
		r.Groups = append(r.Groups, p.Pairs(p.Find(block, g.Rows), g.Label, g.Value))
	}
	return r
}

// build parses every block into an entry of the group field; labels the
// field group does not know are kept under the record's extra map.
func (g *groupsSpec) build(f *selectors.File, r sectionRead, extra map[string]string, problems *[]orchestrator.FieldProblem) []any {
	list := []any{}
	for n, pairs := range r.Groups {
		prefix := fmt.Sprintf("%s[%d].", g.Into, n)
		byLabel := labelled(pairs)
		list = append(list, parseGroup(prefix, f.Fields[g.Fields], byLabel, problems))
		keepExtra(extra, prefix, f.Fields[g.Fields], byLabel)
	}
	return list
}
