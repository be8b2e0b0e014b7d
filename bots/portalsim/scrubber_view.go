package portalsim

import (
	"strconv"
)

// scrubNames are the ids and classes one layout uses. v2 renames all of
// them, as a vendor upgrade would.
type scrubNames struct {
	LoginForm, Username, Password, Submit, LoginError, OTP string
	BatchTable, BatchRow, BatchLink                        string
	ClaimTable, ClaimRow, ClaimLink                        string
	Empty, Pager, PagerNext, NextRel                       string
	Export                                                 string
	Header, HeaderItem                                     string // claim header container and one label/value pair
	EditTable, EditRow                                     string
	Maintenance, ServerError                               string
}

var scrubLayoutNames = map[string]scrubNames{
	LayoutV1: {
		LoginForm: "login-form", Username: "username", Password: "password", Submit: "login-submit", LoginError: "login-error", OTP: "otp-code",
		BatchTable: "batch-table", BatchRow: "batch-row", BatchLink: "batch-link",
		ClaimTable: "claim-table", ClaimRow: "claim-row", ClaimLink: "claim-link",
		Empty: "list-empty", Pager: "pager", PagerNext: "pager-next", NextRel: "next",
		Export: "export-csv",
		Header: "claim-header", HeaderItem: "kv",
		EditTable: "edit-table", EditRow: "edit-row",
		Maintenance: "maintenance", ServerError: "server-error",
	},
	LayoutV2: {
		LoginForm: "signin", Username: "user-id", Password: "user-secret", Submit: "btn-signin", LoginError: "signin-alert", OTP: "otp-input",
		BatchTable: "batchGrid", BatchRow: "grid-row", BatchLink: "open-batch",
		ClaimTable: "claimGrid", ClaimRow: "grid-row", ClaimLink: "open-claim",
		Empty: "no-results", Pager: "paging", PagerNext: "pg-fwd",
		Export: "btn-export",
		Header: "claim-summary", HeaderItem: "summary-item",
		EditTable: "editsGrid", EditRow: "edit-item",
		Maintenance: "maint-notice", ServerError: "err-panel",
	},
}

// scrubCell is one table cell; Href makes it a link with LinkClass.
type scrubCell struct {
	Class, Text, Href, LinkClass string
}

type scrubRow struct {
	Class, Key string // Key goes to data-key
	Cells      []scrubCell
	// Correct, when set, is the action URL of the row's "mark corrected"
	// form; Done shows the row's edit is already corrected.
	Correct string
	Done    bool
}

type scrubTable struct {
	ID      string
	Headers []string
	Rows    []scrubRow
	Action  bool   // an extra Action column with the rows' forms
	CSRF    string // the session's token, posted by the forms
}

// scrubColumn is one column of a table in both layouts.
type scrubColumn[T any] struct {
	key    string // class suffix
	v1, v2 string // heading per layout
	cell   func(layout string, v T) string
}

func (c scrubColumn[T]) heading(layout string) string {
	if layout == LayoutV2 {
		return c.v2
	}
	return c.v1
}

// pickColumns returns the columns named by keys, in that order.
func pickColumns[T any](cols []scrubColumn[T], keys []string) []scrubColumn[T] {
	by := map[string]scrubColumn[T]{}
	for _, c := range cols {
		by[c.key] = c
	}
	out := make([]scrubColumn[T], 0, len(keys))
	for _, k := range keys {
		out = append(out, by[k])
	}
	return out
}

func (c scrubColumn[T]) render(layout string, v T) scrubCell {
	return scrubCell{Class: "col-" + c.key, Text: c.cell(layout, v)}
}

// editRef is what an edit row needs: the edit and its claim.
type editRef struct {
	claim *Claim
	edit  Edit
}

var scrubEditColumns = []scrubColumn[editRef]{
	{"id", "Edit ID", "Edit #", func(_ string, r editRef) string { return r.edit.ID }},
	{"source", "Source", "Raised By", func(_ string, r editRef) string { return scrubLabel(r.edit.Source) }},
	{"category", "Category", "Edit Type", func(_ string, r editRef) string { return scrubLabel(r.edit.Category) }},
	{"code", "Edit Code", "Rule", func(_ string, r editRef) string { return r.edit.Code }},
	{"severity", "Severity", "Level", func(_ string, r editRef) string { return scrubLabel(r.edit.Severity) }},
	{"line", "Line", "Ln", func(_ string, r editRef) string { return scrubInt(r.edit.Line) }},
	{"proc", "Code", "HCPCS/CPT", func(_ string, r editRef) string { return r.edit.ProcedureCode }},
	{"mods", "Modifiers", "Mods", func(l string, r editRef) string { return scrubList(l, r.edit.Modifiers) }},
	{"units", "Units", "Qty", func(_ string, r editRef) string { return scrubInt(r.edit.Units) }},
	{"dx", "Diagnoses", "Dx", func(l string, r editRef) string { return scrubList(l, r.edit.Diagnoses) }},
	{"col1", "Column 1", "PTP Col 1", func(_ string, r editRef) string { return r.edit.Column1 }},
	{"col2", "Column 2", "PTP Col 2", func(_ string, r editRef) string { return r.edit.Column2 }},
	{"modind", "Mod Ind", "PTP Modifier Ind", func(_ string, r editRef) string { return r.edit.ModifierIndicator }},
	{"mue", "MUE", "MUE Limit", func(_ string, r editRef) string { return scrubInt(r.edit.MUEUnits) }},
	{"mai", "MAI", "MUE MAI", func(_ string, r editRef) string { return r.edit.MUEIndicator }},
	{"message", "Message", "Description", func(_ string, r editRef) string { return r.edit.Message }},
	{"owner", "Owner", "Work Team", func(_ string, r editRef) string { return scrubLabel(r.edit.Owner) }},
	{"first", "First Seen", "Opened", func(l string, r editRef) string { return scrubDate(l, r.edit.FirstSeen) }},
	{"age", "Age", "Days Open", func(_ string, r editRef) string { return strconv.Itoa(r.edit.AgeDays) }},
	{"status", "Status", "State", func(_ string, r editRef) string { return scrubLabel(r.edit.Status) }},
}

var scrubEditOrder = map[string][]string{
	LayoutV1: {"id", "source", "category", "code", "severity", "line", "proc", "mods", "units", "dx", "col1", "col2", "modind", "mue", "mai", "message", "owner", "first", "age", "status"},
	LayoutV2: {"severity", "id", "status", "code", "message", "category", "owner", "first", "age", "line", "proc", "units", "mods", "dx", "mue", "mai", "col1", "col2", "modind", "source"},
}

var scrubClaimColumns = []scrubColumn[*Claim]{
	{"claim", "Claim ID", "Claim #", func(_ string, c *Claim) string { return c.ID }},
	{"pcn", "Control #", "PCN", func(_ string, c *Claim) string { return c.ControlNumber }},
	{"account", "Account #", "Account", func(_ string, c *Claim) string { return c.AccountNumber }},
	{"patient", "Patient", "Patient Name", func(_ string, c *Claim) string { return c.PatientName }},
	{"payer", "Payer", "Primary Payer", func(_ string, c *Claim) string { return c.Payer }},
	{"form", "Bill Type", "Form", func(_ string, c *Claim) string { return c.BillType }},
	{"dos", "DOS", "Service Dates", func(l string, c *Claim) string {
		return scrubDate(l, c.ServiceFrom) + " – " + scrubDate(l, c.ServiceTo)
	}},
	{"charges", "Charges", "Billed", func(_ string, c *Claim) string { return money(c.ChargesCents) }},
	{"edits", "Edits", "Edit Count", func(_ string, c *Claim) string { return strconv.Itoa(len(c.Edits)) }},
	{"deadline", "Filing Deadline", "File By", func(l string, c *Claim) string { return scrubDate(l, c.FilingDeadline) }},
}

var scrubClaimOrder = map[string][]string{
	LayoutV1: {"claim", "pcn", "account", "patient", "payer", "form", "dos", "charges", "edits", "deadline"},
	LayoutV2: {"deadline", "edits", "claim", "account", "patient", "form", "payer", "dos", "pcn", "charges"},
}

var scrubBatchColumns = []scrubColumn[Batch]{
	{"batch", "Batch ID", "Batch", func(_ string, b Batch) string { return b.ID }},
	{"file", "File", "File Name", func(_ string, b Batch) string { return b.FileName }},
	{"received", "Received", "Received On", func(l string, b Batch) string { return scrubDate(l, b.Received) }},
	{"claims", "Claims With Edits", "Held Claims", func(_ string, b Batch) string { return strconv.Itoa(b.Claims) }},
}

var scrubBatchOrder = map[string][]string{
	LayoutV1: {"batch", "file", "received", "claims"},
	LayoutV2: {"received", "claims", "batch", "file"},
}

// scrubHeaderField is one label/value pair of the claim header.
type scrubHeaderField struct {
	v1, v2 string
	value  func(layout string, c *Claim) string
}

var scrubHeaderFields = []scrubHeaderField{
	{"Claim ID", "Claim #", func(_ string, c *Claim) string { return c.ID }},
	{"Control Number", "Patient Control #", func(_ string, c *Claim) string { return c.ControlNumber }},
	{"Batch", "Batch", func(_ string, c *Claim) string { return c.BatchID }},
	{"Account #", "Account", func(_ string, c *Claim) string { return c.AccountNumber }},
	{"Patient", "Patient Name", func(_ string, c *Claim) string { return c.PatientName }},
	{"Payer", "Primary Payer", func(_ string, c *Claim) string { return c.Payer }},
	{"Bill Type", "Claim Form", func(_ string, c *Claim) string { return c.BillType }},
	{"Type of Bill", "TOB", func(_ string, c *Claim) string { return c.TypeOfBill }},
	{"Service From", "From Date", func(l string, c *Claim) string { return scrubDate(l, c.ServiceFrom) }},
	{"Service To", "Through Date", func(l string, c *Claim) string { return scrubDate(l, c.ServiceTo) }},
	{"Timely Filing Deadline", "Filing Limit Date", func(l string, c *Claim) string { return scrubDate(l, c.FilingDeadline) }},
	{"Billing NPI", "Billing Provider NPI", func(_ string, c *Claim) string { return c.BillingNPI }},
	{"Total Charges", "Total Billed", func(_ string, c *Claim) string { return money(c.ChargesCents) }},
}

type scrubKV struct{ Label, Value string }

func scrubHeader(layout string, c *Claim) []scrubKV {
	out := make([]scrubKV, 0, len(scrubHeaderFields))
	for _, f := range scrubHeaderFields {
		label := f.v1
		if layout == LayoutV2 {
			label = f.v2
		}
		out = append(out, scrubKV{label, f.value(layout, c)})
	}
	return out
}

// buildTable renders rows of T through the layout's columns.
func buildTable[T any](id, layout string, cols []scrubColumn[T], order map[string][]string, rows []T,
	row func(T, []scrubCell) scrubRow) scrubTable {
	use := pickColumns(cols, order[layout])
	t := scrubTable{ID: id}
	for _, c := range use {
		t.Headers = append(t.Headers, c.heading(layout))
	}
	for _, v := range rows {
		cells := make([]scrubCell, len(use))
		for i, c := range use {
			cells[i] = c.render(layout, v)
		}
		t.Rows = append(t.Rows, row(v, cells))
	}
	return t
}
