package portalsim

import "time"

// Coding statuses as the portal stores them. The pages show them as
// "Not Coded", "In Progress" and "Coded".
const (
	StatusNotCoded   = "not_coded"
	StatusInProgress = "in_progress"
	StatusCoded      = "coded"
)

// Query statuses as the portal stores them ("Open", "Answered", "Closed"
// on the page).
const (
	QueryOpen     = "open"
	QueryAnswered = "answered"
	QueryClosed   = "closed"
)

// Account is one discharged-not-final-billed account, the portal's ground
// truth. Dates are midnight UTC. These types are the portal's own: they
// deliberately do not reuse Docket's domain types.
type Account struct {
	Number             string
	EncounterID        string
	MRN                string
	PatientName        string // "LAST, FIRST M"
	Facility           string
	PatientClass       string // IP, OP, ED, OBS
	AdmitDate          time.Time
	DischargeDate      time.Time
	DaysSinceDischarge int  // as of the portal clock when read
	InBillHold         bool // still inside the facility's bill-hold window
	FinancialClass     string
	PrimaryPayer       string
	TotalChargesCents  int64
	AssignedCoder      string // empty when unassigned
	Vendor             string // empty when unassigned
	CodingStatus       string // StatusNotCoded, StatusInProgress or StatusCoded
	DRG                string // MS-DRG code when coded inpatient, else empty
	DRGDescription     string
	PrincipalDx        string // ICD-10-CM, e.g. "J18.9"
	AttendingNPI       string // 10 digits with a Luhn check digit
	Queue              string // the work queue the account sits in
	HoldReasons        []HoldReason
	Query              *Query // nil when no physician query was sent
	Deficiencies       []string
	Notes              []Note // oldest first
}

// Note is a free-text account note added through the portal.
type Note struct {
	Text   string
	Author string
	At     time.Time
}

// HoldReason is one reason the account cannot be billed yet.
type HoldReason struct {
	Code        string
	Description string
	OwnerRole   string
	Physician   string // empty when no physician is involved
	Note        string
	Added       time.Time
}

// Query is a physician documentation query.
type Query struct {
	ID     string
	Sent   time.Time
	Status string // QueryOpen, QueryAnswered or QueryClosed
}

// account is the stored form: Account without the clock-derived fields.
type account struct {
	Account
	billHoldDays int    // the facility's bill-hold window
	malformed    string // a MalformedKinds entry, or "" for clean data
}

// at returns the account as seen at now, with the derived fields filled
// and slices copied so callers cannot change the portal's data.
func (a *account) at(now time.Time) Account {
	out := a.Account
	out.DaysSinceDischarge = daysBetween(a.DischargeDate, now)
	out.InBillHold = out.DaysSinceDischarge < a.billHoldDays
	out.HoldReasons = append([]HoldReason(nil), a.HoldReasons...)
	out.Deficiencies = append([]string(nil), a.Deficiencies...)
	out.Notes = append([]Note(nil), a.Notes...)
	if a.Query != nil {
		q := *a.Query
		out.Query = &q
	}
	return out
}

// daysBetween counts calendar days from the date of from to the date of
// to, both taken in UTC.
func daysBetween(from, to time.Time) int {
	return int(dateOf(to).Sub(dateOf(from)).Hours() / 24)
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
