package orchestrator

// Edit sources: who raised a claim edit.
const (
	EditSourceScrubber      = "scrubber"
	EditSourceClearinghouse = "clearinghouse"
	EditSourceCodeEditor    = "code_editor"
	EditSourcePayer         = "payer"
)

// Edit categories, one per edit family a claim scrubber reports.
const (
	EditNCCIPTP            = "ncci_ptp"          // procedure-to-procedure code pair
	EditMUE                = "mue"               // medically unlikely units
	EditMedicalNecessity   = "medical_necessity" // LCD/NCD coverage
	EditModifier           = "modifier"
	EditOutpatientCodeEdit = "outpatient_code_editor"
	EditInpatientCodeEdit  = "inpatient_code_editor"
	EditPayerSpecific      = "payer_specific"
	EditEligibility        = "demographic_eligibility"
	EditEnrollment         = "enrollment"
	EditFormat             = "format"
)

// Edit severities. A hard edit stops the claim; a soft one warns.
const (
	SeverityHard = "hard"
	SeveritySoft = "soft"
)

// Owner teams of a claim edit.
const (
	OwnerCoding       = "coding"
	OwnerRegistration = "registration"
	OwnerBilling      = "billing"
	OwnerITMasterFile = "it_master_file"
)

// ResolutionCorrected marks an edit someone corrected on the portal; an
// open edit has no resolution.
const ResolutionCorrected = "corrected"

// EvidenceExport is the evidence kind of a file a portal exports (a claim
// scrubber's CSV of edits), kept beside the screens it was checked against.
const EvidenceExport = "export"

// ClaimEdit is one edit a claim scrubber raised on a claim before it went
// to the payer, as the scrubber shows it. Dates are ISO 8601 (YYYY-MM-DD).
// Fields that only some edit families carry (column codes, indicators) are
// empty otherwise. The evidence reference is the work item's EvidenceID,
// not a field here, so the data hash does not change from run to run.
type ClaimEdit struct {
	ClaimID       string `json:"claim_id"`       // the scrubber's claim id
	ControlNumber string `json:"control_number"` // patient control number (CLM01)
	EditID        string `json:"edit_id"`        // the edit's line id within the claim
	AccountNumber string `json:"account_number"`
	Payer         string `json:"payer"`
	BillType      string `json:"bill_type"` // UB-04 or CMS-1500
	ServiceFrom   string `json:"service_from"`
	ServiceTo     string `json:"service_to"`

	Source   string `json:"source"`   // EditSource*
	Category string `json:"category"` // Edit*
	EditCode string `json:"edit_code"`
	Message  string `json:"message"`
	Severity string `json:"severity"` // hard, soft

	LineNumber int      `json:"line_number,omitempty"` // 0 for a claim-level edit
	Code       string   `json:"code,omitempty"`        // CPT/HCPCS on the line
	Modifiers  []string `json:"modifiers,omitempty"`
	Units      int      `json:"units,omitempty"`
	Diagnoses  []string `json:"diagnoses,omitempty"` // ICD-10-CM

	Column1Code              string `json:"column1_code,omitempty"`               // NCCI PTP
	Column2Code              string `json:"column2_code,omitempty"`               // NCCI PTP
	ModifierIndicator        string `json:"modifier_indicator,omitempty"`         // NCCI PTP: 0 or 1
	MUEUnits                 int    `json:"mue_units,omitempty"`                  // MUE: units allowed
	MUEAdjudicationIndicator string `json:"mue_adjudication_indicator,omitempty"` // MUE: 1, 2 or 3

	OwnerTeam      string `json:"owner_team"` // Owner*
	FirstSeen      string `json:"first_seen"`
	AgeDays        int    `json:"age_days"` // days since first seen
	FilingDeadline string `json:"filing_deadline"`
	Resolution     string `json:"resolution,omitempty"` // "" while open, corrected
}
