package portalsim

import "slices"

// What the variants' templates receive besides the layout's page fields.
// Values come from the v1 views (detailView, listRow), so the variants
// show exactly what layout v1 shows, in other markup.

// variantColumn is one worklist column of the variants: its header and the
// listRow field (by JSON name) it shows.
type variantColumn struct {
	Header string `json:"h"`
	Key    string `json:"k"`
}

// variantColumns is the variants' worklist column order, unlike v1's, with
// other header names; cards show the same pairs as labels.
var variantColumns = []variantColumn{
	{"Queue", "queue"}, {"Status", "status_label"}, {"Account", "account"}, {"Patient Name", "patient"},
	{"Days Since Discharge", "days"}, {"Discharged", "discharged"}, {"Facility", "facility"}, {"Class", "class"},
	{"Payer", "payer"}, {"Charges", "charges"}, {"Hold Count", "holds"}, {"Bill Hold", "bill_hold"},
}

// field returns a listRow value by its JSON name.
func (r listRow) field(key string) string {
	switch key {
	case "account":
		return r.Account
	case "patient":
		return r.Patient
	case "facility":
		return r.Facility
	case "class":
		return r.Class
	case "discharged":
		return r.Discharged
	case "days":
		return r.Days
	case "bill_hold":
		return r.BillHold
	case "status_label":
		return r.StatusLabel
	case "payer":
		return r.Payer
	case "charges":
		return r.Charges
	case "holds":
		return r.Holds
	case "queue":
		return r.Queue
	}
	return ""
}

// variantView is the variant part of a page.
type variantView struct {
	Name    string // the variant
	Columns []variantColumn
	// Server-rendered worklists (frames, paged).
	Rows  [][]string // cells in Columns order
	Links []string   // each row's account number
	List  listPage
	Pager []int // page numbers of a numbered pager
	Path  string
	// Script-rendered worklists (cards, scroll, buttons).
	Size int
	// Details.
	Groups        [][]groupField // one per hold reason
	ReasonHeaders []string       // the detail's hold reason table (cards details)
	Reasons       [][]string
	Alert         bool // the worklist greets with alert() on load
	ActionConfirm bool // confirm() before releasing a hold
	// Interstitial pages.
	Step    string
	Next    string
	CSRF    string
	Error   string
	Options []string
}

// groupField is one label/value pair of a repeated group; Missing keeps the
// label but leaves out the value (SilentFaults.ShiftedGroup).
type groupField struct {
	Label, Value string
	Missing      bool
}

// cardsReasonOrder is the hold reason column order of card details, by v1
// header.
var cardsReasonOrder = []string{"Code", "Physician", "Note", "Owner", "Description", "Added"}

// reasonGroups turns v1 hold reason rows into one label/value group per
// reason. An empty field is left out of its group; with shifted, its
// label stays and only its value goes.
func reasonGroups(v detailView, shifted bool) [][]groupField {
	var out [][]groupField
	for _, row := range v.Reasons {
		var g []groupField
		for i, cell := range row {
			label := "Column " + string(rune('A'+i))
			if i < len(v.ReasonHeaders) {
				label = v.ReasonHeaders[i]
			}
			switch {
			case cell != "":
				g = append(g, groupField{Label: label, Value: cell})
			case shifted:
				g = append(g, groupField{Label: label, Missing: true})
			}
		}
		out = append(out, g)
	}
	return out
}

// reorderReasons returns v's hold reason table in cards order; headers v1
// does not know (malformed extra columns) follow in their own order.
func reorderReasons(v detailView) ([]string, [][]string) {
	var idx []int
	for _, h := range cardsReasonOrder {
		if i := slices.Index(v.ReasonHeaders, h); i >= 0 {
			idx = append(idx, i)
		}
	}
	for i := range v.ReasonHeaders {
		if !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	headers := make([]string, len(idx))
	for j, i := range idx {
		headers[j] = v.ReasonHeaders[i]
	}
	rows := make([][]string, len(v.Reasons))
	for r, row := range v.Reasons {
		for _, i := range idx {
			if i < len(row) {
				rows[r] = append(rows[r], row[i])
			}
		}
	}
	return headers, rows
}

// shiftRows leaves out the cells of column col that are empty, as a
// portal that skips empty cells does (SilentFaults.ShiftedGroup).
func shiftRows(headers []string, rows [][]string, col string) [][]string {
	c := slices.Index(headers, col)
	if c < 0 {
		return rows
	}
	out := make([][]string, len(rows))
	for r, row := range rows {
		if c < len(row) && row[c] == "" {
			out[r] = slices.Delete(slices.Clone(row), c, c+1)
			continue
		}
		out[r] = row
	}
	return out
}
