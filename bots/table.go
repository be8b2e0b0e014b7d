package bots

import (
	_ "embed"
	"strings"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/selectors"
)

var (
	//go:embed table.js
	tableSrc string

	tableJS = strings.Replace(tableSrc, "/* find */", findJS, 1)
)

// TableElements names a table-like list's elements in a selector file:
// its column headers, its rows and the cell in a row.
type TableElements struct {
	Headers, Rows, Cell string
}

// Table is what ReadTable read: the headers' texts and each row's cells'
// texts, trimmed, in page order.
type Table struct {
	Headers []string       `json:"headers"`
	Rows    [][]string     `json:"rows"`
	Matched map[string]int `json:"matched"` // element → the candidate that matched
}

// ReadTable reads the table p shows in one evaluation, so a list is read
// by column header name rather than position. A row whose cell count
// differs from the headers' is for the caller to judge: its values may
// sit in other columns' places.
func ReadTable(p *rod.Page, f *selectors.File, e TableElements) (Table, error) {
	spec := map[string]*InPageElement{"headers": InPage(f, e.Headers), "rows": InPage(f, e.Rows), "cell": InPage(f, e.Cell)}
	var t Table
	res, err := p.Eval(tableJS, spec)
	if err != nil {
		return t, err
	}
	err = res.Value.Unmarshal(&t)
	return t, err
}
