package portalsim

import (
	"slices"
	"time"
)

// Bill types: the institutional and the professional claim form.
const (
	BillTypeUB04    = "UB-04"
	BillTypeCMS1500 = "CMS-1500"
)

// Edit sources, categories, severities, owner teams and statuses as the
// scrubber stores them; the pages show labels (see scrubber_format.go).
const (
	SourceScrubber      = "scrubber"
	SourceClearinghouse = "clearinghouse"
	SourceCodeEditor    = "code_editor"
	SourcePayer         = "payer"

	CategoryNCCIPTP     = "ncci_ptp"
	CategoryMUE         = "mue"
	CategoryLCDNCD      = "medical_necessity"
	CategoryModifier    = "modifier"
	CategoryOCE         = "outpatient_code_editor"
	CategoryMCE         = "inpatient_code_editor"
	CategoryPayer       = "payer_specific"
	CategoryEligibility = "demographic_eligibility"
	CategoryEnrollment  = "enrollment"
	CategoryFormat      = "format"

	SeverityHard = "hard"
	SeveritySoft = "soft"

	OwnerCoding       = "coding"
	OwnerRegistration = "registration"
	OwnerBilling      = "billing"
	OwnerITMasterFile = "it_master_file"

	EditOpen      = "open"
	EditCorrected = "corrected"
)

// ScrubberCategories lists every edit category the scrubber raises.
func ScrubberCategories() []string {
	return []string{CategoryNCCIPTP, CategoryMUE, CategoryLCDNCD, CategoryModifier, CategoryOCE, CategoryMCE,
		CategoryPayer, CategoryEligibility, CategoryEnrollment, CategoryFormat}
}

// Batch is one claim file (an 837) the scrubber received.
type Batch struct {
	ID       string
	FileName string
	Received time.Time // midnight UTC
	Claims   int       // claims with edits in the batch
}

// Claim is one claim held by the scrubber with its edits: the portal's
// ground truth. Dates are midnight UTC. These types are the portal's own;
// they deliberately do not reuse Docket's domain types.
type Claim struct {
	ID             string
	ControlNumber  string // patient control number
	BatchID        string
	AccountNumber  string
	PatientName    string // "LAST, FIRST M"
	Payer          string
	BillType       string // BillTypeUB04 or BillTypeCMS1500
	TypeOfBill     string // e.g. "0131" on a UB-04, "" on a CMS-1500
	ServiceFrom    time.Time
	ServiceTo      time.Time
	FilingDeadline time.Time
	BillingNPI     string
	ChargesCents   int64
	Diagnoses      []string // ICD-10-CM, principal first
	Lines          []ClaimLine
	Edits          []Edit
}

// ClaimLine is one service line.
type ClaimLine struct {
	Number       int
	RevenueCode  string // UB-04 only
	Code         string // CPT or HCPCS
	Modifiers    []string
	Units        int
	Pointers     []int // 1-based positions in Claim.Diagnoses
	ChargesCents int64
}

// Edit is one scrubber edit on a claim.
type Edit struct {
	ID       string // unique within the claim, e.g. "E02"
	Source   string
	Category string
	Code     string // the edit code, e.g. "PTP-0" or "OCE-018"
	Message  string
	Severity string
	// Line is the service line the edit concerns; 0 for a claim-level
	// edit, which leaves the line fields below empty.
	Line          int
	ProcedureCode string
	Modifiers     []string
	Units         int
	Diagnoses     []string
	// NCCI PTP edits only.
	Column1, Column2  string
	ModifierIndicator string // "0" or "1"
	// MUE edits only.
	MUEUnits     int
	MUEIndicator string // adjudication indicator "1", "2" or "3"

	Owner     string
	FirstSeen time.Time
	AgeDays   int // as of the portal clock when read
	Status    string
	Corrected time.Time // zero while open
}

// ExternalID is the edit's stable id across the scrubber: claim and edit.
func (e Edit) ExternalID(claimID string) string { return claimID + ":" + e.ID }

// at returns a copy of c as seen at now: ages filled, slices copied so
// callers cannot change the portal's data.
func (c *Claim) at(now time.Time) Claim {
	out := *c
	out.Diagnoses = slices.Clone(c.Diagnoses)
	out.Lines = make([]ClaimLine, len(c.Lines))
	for i, l := range c.Lines {
		l.Modifiers = slices.Clone(l.Modifiers)
		l.Pointers = slices.Clone(l.Pointers)
		out.Lines[i] = l
	}
	out.Edits = make([]Edit, len(c.Edits))
	for i, e := range c.Edits {
		e.Modifiers = slices.Clone(e.Modifiers)
		e.Diagnoses = slices.Clone(e.Diagnoses)
		e.AgeDays = daysBetween(e.FirstSeen, now)
		out.Edits[i] = e
	}
	return out
}
