package flow

import "fmt"

// shifted reports the first row of a repeated group read as a table whose
// cells do not line up with the table's headers, "" when every row does.
// A portal that leaves out an empty cell (instead of an empty one) makes
// every later cell of the row sit under the wrong header: read by
// position, a note would become the physician. No record can be trusted
// from such a page, so the run fails closed instead of guessing.
func (d *detailsSpec) shifted(read []sectionRead) string {
	for i, s := range d.Read {
		if s.Table == nil || i >= len(read) || !read[i].Present {
			continue
		}
		r := read[i]
		for n, cells := range r.Cells {
			if len(cells) != len(r.Headers) {
				return fmt.Sprintf("%s row %d has %d cells under %d headers: read by position, a value would shift into another's place",
					s.Table.Into, n+1, len(cells), len(r.Headers))
			}
		}
	}
	return ""
}
