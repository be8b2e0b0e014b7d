package portalsim

// The vocabulary the generator draws from. Every name is invented; any
// resemblance to a real person or organisation is a coincidence of common
// words.

type facility struct {
	name         string
	billHoldDays int // days after discharge before the account may drop
}

var facilities = [...]facility{
	{"Riverside Regional Medical Center", 4},
	{"Northgate Community Hospital", 3},
	{"Lakeview Surgical Pavilion", 5},
	{"Cedar Valley Medical Center", 4},
	{"Harborview Behavioral Health", 3},
}

type payer struct {
	financialClass string
	name           string
}

var payers = [...]payer{
	{"Medicare", "Medicare Part A"},
	{"Medicare", "Medicare Part B"},
	{"Medicare Advantage", "Harbor Senior Advantage HMO"},
	{"Medicaid", "State Medicaid Fee-for-Service"},
	{"Medicaid", "Prairie Medicaid Managed Care"},
	{"Commercial", "Summit Health Plan PPO"},
	{"Commercial", "Lakeshore Mutual EPO"},
	{"Commercial", "Keystone Benefit Trust"},
	{"Managed Care", "Evergreen HMO"},
	{"Workers Comp", "State Workers Compensation Fund"},
	{"Self Pay", "Self Pay"},
}

type drg struct{ code, description string }

var drgs = [...]drg{
	{"065", "Intracranial Hemorrhage or Cerebral Infarction w CC or tPA in 24 Hrs"},
	{"190", "Chronic Obstructive Pulmonary Disease w MCC"},
	{"194", "Simple Pneumonia and Pleurisy w CC"},
	{"247", "Percutaneous Cardiovascular Procedures w Drug-Eluting Stent w/o MCC"},
	{"291", "Heart Failure and Shock w MCC"},
	{"392", "Esophagitis, Gastroenteritis and Misc Digestive Disorders w/o MCC"},
	{"470", "Major Hip and Knee Joint Replacement w/o MCC"},
	{"683", "Renal Failure w CC"},
	{"743", "Uterine and Adnexa Procedures for Non-Malignancy w/o CC/MCC"},
	{"871", "Septicemia or Severe Sepsis w/o MV >96 Hours w MCC"},
}

// reasonKind is a hold reason template. doc marks missing documentation
// (which also shows as a deficiency); physician marks reasons a physician
// owns an action on.
type reasonKind struct {
	code, description, owner string
	physician                bool
	deficiency               string
	notes                    []string
}

var (
	reasonBillHold = reasonKind{code: "BHW", description: "Within facility bill-hold window", owner: "System",
		notes: []string{"Waiting for late charges before final bill"}}
	reasonQuery = reasonKind{code: "PQRY", description: "Open physician query", owner: "CDI", physician: true,
		notes: []string{"Clarification of diagnosis specificity requested", "Clinical validation query sent", "Query on present-on-admission status"}}
)

// Reasons for accounts past the window that are not coded yet.
var uncodedReasons = [...]reasonKind{
	{code: "OPNOTE", description: "Operative note missing", owner: "Physician", physician: true,
		deficiency: "Operative report not dictated", notes: []string{"Procedure documented in brief op note only", "Op note not in chart"}},
	{code: "PATH", description: "Pathology report pending", owner: "Laboratory", physician: true,
		deficiency: "Pathology report not finalized", notes: []string{"Specimen sent for final read", "Awaiting final pathology"}},
	{code: "DCSUM", description: "Discharge summary not available", owner: "Physician", physician: true,
		deficiency: "Discharge summary not signed", notes: []string{"Dictated, awaiting signature", "Not dictated"}},
	{code: "HP", description: "History and physical missing", owner: "Physician", physician: true,
		deficiency: "H&P not on chart", notes: []string{"H&P older than 30 days, update needed", "H&P not found"}},
	reasonQuery,
	{code: "CODINC", description: "Coding incomplete", owner: "Coding",
		notes: []string{"Coder assigned, abstract not finished", "Pended for second-level review"}},
	{code: "ENCMRG", description: "Combined or merged encounter", owner: "HIM",
		notes: []string{"Encounter merged into later admission", "Readmission within 72 hours, combine pending"}},
	{code: "SERIES", description: "Recurring series awaiting drop date", owner: "Patient Access",
		notes: []string{"Series account drops at month end"}},
}

// Reasons for accounts that are coded but not billed.
var codedReasons = [...]reasonKind{
	{code: "LATECHG", description: "Late charges posted after coding", owner: "Revenue Integrity",
		notes: []string{"Pharmacy charges posted after final coding", "Supply charges posted late"}},
	{code: "NOCHG", description: "No matching charge for coded procedure", owner: "Revenue Integrity",
		notes: []string{"Coded procedure has no charge line", "Implant charge missing"}},
	{code: "BILLEDIT", description: "Billing system edit after final coding", owner: "Billing",
		notes: []string{"Invalid revenue code and HCPCS combination", "Occurrence code required", "Units exceed MUE"}},
	{code: "ELIG", description: "Payer eligibility question", owner: "Patient Access",
		notes: []string{"Coverage terminated before date of service", "Secondary payer unverified"}},
	{code: "CONTRACT", description: "Payer contract question", owner: "Managed Care",
		notes: []string{"Carve-out rate not loaded", "Authorization number missing"}},
	reasonQuery,
}

var firstNames = [...]string{
	"Avery", "Blake", "Camila", "Dorian", "Elena", "Farrah", "Gideon", "Hazel", "Imani", "Jonah",
	"Keira", "Lionel", "Marisol", "Nolan", "Odette", "Priya", "Quentin", "Rosalind", "Silas", "Tamsin",
	"Ulric", "Vivian", "Wendell", "Xiomara", "Yusuf", "Zelda", "Anselm", "Brielle", "Cassius", "Delphine",
}

var lastNames = [...]string{
	"Abernathy", "Bellweather", "Castellano", "Drummond", "Eastwick", "Fairbanks", "Galloway", "Hollister",
	"Ingersoll", "Jessup", "Kettering", "Lindqvist", "Marchetti", "Northcott", "Okonkwo", "Pemberton",
	"Quarles", "Rutherford", "Sandoval", "Thorne", "Umberger", "Vasquez-Lyle", "Whitfield", "Yarborough",
	"Zielinski", "Ashgrove", "Brightwater", "Coldwell", "Dunmore", "Everly",
}

var coders = [...]string{
	"M. Ferreira, CCS", "T. Okafor, RHIT", "L. Brandt, CCS", "S. Nakamura, CPC", "R. Delacroix, RHIA",
	"J. Whitlock, CCS", "A. Romero, CCS-P",
}

var vendors = [...]string{
	"In-house", "In-house", "Northbridge Coding Services", "Keystone HIM Partners", "ClearPath Coding Group",
}

// Work queues an account can be routed to.
const (
	QueueCodingIP  = "Coding - Inpatient"
	QueueCodingOP  = "Coding - Outpatient"
	QueueCDI       = "CDI Review"
	QueueQuery     = "Physician Query"
	QueueBilling   = "Billing Edits"
	QueueRevenue   = "Revenue Integrity"
	QueueDeficient = "HIM Deficiency"
)

// QueueNames lists the work queues in the order the route form offers them.
func QueueNames() []string {
	return []string{QueueCodingIP, QueueCodingOP, QueueCDI, QueueQuery, QueueBilling, QueueRevenue, QueueDeficient}
}

// diagnoses are valid ICD-10-CM principal diagnosis codes.
var diagnoses = [...]string{
	"I63.9", "J44.1", "J18.9", "I21.4", "I50.23", "K57.32", "M17.11", "N17.9", "N83.201", "A41.9",
	"E11.65", "S72.001A", "K35.80", "I48.91", "R07.9", "F33.2",
}

// reasonCatalog lists every hold reason kind once, for the worklist's
// reason filter.
func reasonCatalog() []reasonKind {
	out := []reasonKind{reasonBillHold}
	seen := map[string]bool{reasonBillHold.code: true}
	for _, k := range append(uncodedReasons[:], codedReasons[:]...) {
		if !seen[k.code] {
			seen[k.code] = true
			out = append(out, k)
		}
	}
	return out
}
