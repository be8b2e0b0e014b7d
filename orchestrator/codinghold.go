package orchestrator

// Queue names.
const (
	QueueCoding           = "coding"
	QueueCDI              = "cdi"
	QueueBilling          = "billing"
	QueueRevenueIntegrity = "revenue_integrity"
	QueueAutomation       = "automation"
)

// CodingHold is an account that is discharged but not final billed, as a
// coding worklist shows it. Dates are ISO 8601 (YYYY-MM-DD), timestamps RFC
// 3339, money in cents.
type CodingHold struct {
	AccountNumber      string       `json:"account_number"`
	EncounterID        string       `json:"encounter_id"`
	MRN                string       `json:"mrn"`
	PatientName        string       `json:"patient_name"`
	Facility           string       `json:"facility"`
	PatientClass       string       `json:"patient_class"` // IP, OP, ED, OBS
	AdmitDate          string       `json:"admit_date"`
	DischargeDate      string       `json:"discharge_date"`
	DaysSinceDischarge int          `json:"days_since_discharge"`
	InBillHold         bool         `json:"in_bill_hold"`
	FinancialClass     string       `json:"financial_class"`
	PrimaryPayer       string       `json:"primary_payer"`
	TotalChargesCents  int64        `json:"total_charges_cents"`
	AssignedCoder      string       `json:"assigned_coder,omitempty"`
	Vendor             string       `json:"vendor,omitempty"`
	CodingStatus       string       `json:"coding_status"` // not_coded, in_progress, coded
	DRG                string       `json:"drg,omitempty"`
	HoldReasons        []HoldReason `json:"hold_reasons"`
	Query              *Query       `json:"query,omitempty"`
	Deficiencies       []string     `json:"deficiencies,omitempty"`
}

// HoldReason is one reason an account cannot be billed yet.
type HoldReason struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	OwnerRole   string `json:"owner_role"`
	Physician   string `json:"physician,omitempty"`
	Note        string `json:"note,omitempty"`
	AddedAt     string `json:"added_at"` // YYYY-MM-DD
}

// Query is a physician documentation query.
type Query struct {
	ID     string `json:"id"`
	SentAt string `json:"sent_at"` // YYYY-MM-DD
	Status string `json:"status"`  // open, answered, closed
}
