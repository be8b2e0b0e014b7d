package portalsim

import (
	"strconv"
	"time"
)

// The coding worklist builds display strings per layout here, so the
// templates only lay them out. v2 renames labels and columns, moves them
// and shows other date formats; the data is the same.

type kv struct{ Label, Value string }

type panelView struct {
	Title string
	Rows  []kv
}

type noteView struct{ Text, Author, At string }

// detailView is one account's detail page.
type detailView struct {
	Number         string
	StatusKey      string
	StatusLabel    string
	InBillHold     bool
	Panels         []panelView
	ReasonHeaders  []string
	Reasons        [][]string
	Query          []kv // nil when the account has no physician query
	Deficiencies   []string
	Notes          []noteView
	Queue          string
	Queues         []string
	ActiveReasons  []string // hold reason codes that can be released
	CSRF           string
	Flash          string
	MalformedExtra bool // an unexpected column was added
}

// listRow is one worklist row as the JSON endpoint returns it.
type listRow struct {
	Account     string `json:"account"`
	Href        string `json:"href"`
	Patient     string `json:"patient"`
	Facility    string `json:"facility"`
	Class       string `json:"class"`
	Discharged  string `json:"discharged"`
	Days        string `json:"days"`
	BillHold    string `json:"bill_hold"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Payer       string `json:"payer"`
	Charges     string `json:"charges"`
	Holds       string `json:"holds"`
	Queue       string `json:"queue"`
	Extra       string `json:"extra,omitempty"` // an unexpected column (malformed data)
}

// layoutFormat holds what differs between layouts in how values read.
type layoutFormat struct {
	date      func(time.Time) string
	queryDate func(time.Time) string
	boolean   func(bool) string
}

func formatFor(layout string) layoutFormat {
	if layout == LayoutV2 {
		return layoutFormat{date: isoDate, queryDate: isoDate, boolean: func(b bool) string {
			if b {
				return "Y"
			}
			return "N"
		}}
	}
	return layoutFormat{date: usDate, queryDate: longDate, boolean: yesNo}
}

func (w *CodingWorklist) detailView(a Account, malformed, layout string) detailView {
	f := formatFor(layout)
	v2 := layout == LayoutV2
	label := func(v1, v2label string) string {
		if v2 {
			return v2label
		}
		return v1
	}
	patient := panelView{Title: label("Patient & Encounter", "Encounter"), Rows: []kv{
		{label("Account #", "Account Number"), a.Number},
		{label("Encounter ID", "Encounter"), a.EncounterID},
		{label("MRN", "Medical Record #"), a.MRN},
		{label("Patient Name", "Patient"), a.PatientName},
		{label("Facility", "Location"), a.Facility},
		{label("Patient Class", "Pt Class"), a.PatientClass},
		{label("Admit Date", "Admitted"), f.date(a.AdmitDate)},
		{label("Discharge Date", "Discharged"), f.date(a.DischargeDate)},
		{label("Days Since Discharge", "Days Post-Discharge"), strconv.Itoa(a.DaysSinceDischarge)},
	}}
	financial := panelView{Title: label("Financial", "Billing"), Rows: []kv{
		{label("In Bill Hold", "Bill Hold"), f.boolean(a.InBillHold)},
		{label("Financial Class", "Fin Class"), a.FinancialClass},
		{label("Primary Payer", "Payer"), a.PrimaryPayer},
		{label("Total Charges", "Charges"), money(a.TotalChargesCents)},
	}}
	coding := panelView{Title: "Coding", Rows: []kv{
		{label("Coding Status", "Status"), statusLabel(a.CodingStatus)},
		{label("Assigned Coder", "Coder"), a.AssignedCoder},
		{label("Coding Vendor", "Vendor"), a.Vendor},
		{label("Principal Dx", "Principal Diagnosis"), a.PrincipalDx},
		{label("Attending NPI", "Attending Provider NPI"), a.AttendingNPI},
		{label("Work Queue", "Queue"), a.Queue},
	}}
	if a.DRG != "" {
		coding.Rows = append(coding.Rows, kv{label("MS-DRG", "DRG"), a.DRG}, kv{label("DRG Description", "DRG Title"), a.DRGDescription})
	}
	v := detailView{
		Number: a.Number, StatusKey: a.CodingStatus, StatusLabel: statusLabel(a.CodingStatus), InBillHold: a.InBillHold,
		Queue: a.Queue, Queues: QueueNames(), Deficiencies: a.Deficiencies,
	}
	if v2 {
		v.Panels = []panelView{coding, patient, financial}
		v.ReasonHeaders = []string{"Added", "Hold", "Reason", "Owner Team", "Provider", "Comment"}
	} else {
		v.Panels = []panelView{patient, financial, coding}
		v.ReasonHeaders = []string{"Code", "Description", "Owner", "Physician", "Note", "Added"}
	}
	for _, r := range a.HoldReasons {
		if v2 {
			v.Reasons = append(v.Reasons, []string{r.Added.Format("02-Jan-2006"), r.Code, r.Description, r.OwnerRole, r.Physician, r.Note})
		} else {
			v.Reasons = append(v.Reasons, []string{r.Code, r.Description, r.OwnerRole, r.Physician, r.Note, f.date(r.Added)})
		}
		v.ActiveReasons = append(v.ActiveReasons, r.Code)
	}
	if q := a.Query; q != nil {
		v.Query = []kv{
			{label("Query ID", "Query #"), q.ID},
			{label("Sent", "Sent On"), f.queryDate(q.Sent)},
			{label("Status", "Query Status"), statusLabel(q.Status)},
		}
	}
	for _, n := range a.Notes {
		v.Notes = append(v.Notes, noteView{Text: n.Text, Author: n.Author, At: n.At.UTC().Format("2006-01-02 15:04")})
	}
	if malformed != "" {
		corrupt(&v, malformed, a, v2)
	}
	return v
}

func (w *CodingWorklist) listRow(a Account, malformed, layout string) listRow {
	f := formatFor(layout)
	r := listRow{
		Account: a.Number, Href: "/accounts/" + a.Number, Patient: a.PatientName, Facility: a.Facility,
		Class: a.PatientClass, Discharged: f.date(a.DischargeDate), Days: strconv.Itoa(a.DaysSinceDischarge),
		BillHold: f.boolean(a.InBillHold), Status: a.CodingStatus, StatusLabel: statusLabel(a.CodingStatus),
		Payer: a.PrimaryPayer, Charges: money(a.TotalChargesCents), Holds: strconv.Itoa(len(a.HoldReasons)), Queue: a.Queue,
	}
	if malformed == MalformedExtraColumns {
		r.Extra = "LEGACY-" + a.Number[len(a.Number)-4:]
	}
	return r
}
