package portalsim

// The claim scrubber's vocabulary. Codes are real CPT/HCPCS and ICD-10-CM
// codes; code pairs, unit limits and coverage rules are plausible, not
// quotations of the CMS tables. Rule and payer names are invented.

type scrubProc struct {
	code, desc string
	cents      int64
	sided      bool // takes LT/RT
}

var scrubProcs = [...]scrubProc{
	{"99213", "Office visit, established, low MDM", 12_500, false},
	{"99214", "Office visit, established, moderate MDM", 18_500, false},
	{"99284", "Emergency department visit, moderate MDM", 62_000, false},
	{"11042", "Debridement, subcutaneous tissue, first 20 sq cm", 31_000, false},
	{"11102", "Tangential biopsy of skin, single lesion", 14_000, false},
	{"12002", "Simple repair of wound, 2.6-7.5 cm", 21_000, false},
	{"20610", "Arthrocentesis, major joint", 16_000, true},
	{"29881", "Knee arthroscopy with meniscectomy", 380_000, true},
	{"36415", "Routine venipuncture", 1_500, false},
	{"43239", "EGD with biopsy", 180_000, false},
	{"45380", "Colonoscopy with biopsy", 190_000, false},
	{"64483", "Transforaminal epidural injection, lumbar, single level", 90_000, true},
	{"71046", "Chest x-ray, 2 views", 12_000, false},
	{"73721", "MRI lower extremity joint without contrast", 140_000, true},
	{"80053", "Comprehensive metabolic panel", 6_000, false},
	{"85025", "Complete blood count with differential", 3_500, false},
	{"93000", "Electrocardiogram with interpretation", 7_000, false},
	{"93306", "Echocardiography, complete, with Doppler", 210_000, false},
	{"96372", "Therapeutic injection, subcutaneous or intramuscular", 6_000, false},
	{"97110", "Therapeutic exercise, each 15 minutes", 5_500, false},
	{"J1885", "Injection, ketorolac tromethamine, per 15 mg", 1_200, false},
	{"J3301", "Injection, triamcinolone acetonide, per 10 mg", 1_500, false},
}

// scrubDiagnoses are valid ICD-10-CM codes used on ordinary lines.
var scrubDiagnoses = [...]string{
	"E11.9", "I10", "J18.9", "M17.11", "M54.16", "K21.9", "R07.9", "N39.0", "Z12.11", "S72.001A",
	"R10.9", "L97.412", "J44.1", "I48.91", "M25.561", "K63.5", "L57.0", "S61.012A", "E78.5", "Z79.4",
}

// scrubPTP is an NCCI procedure-to-procedure pair: column 2 is not paid
// with column 1 on the same date; indicator 1 allows a bypass modifier.
type scrubPTP struct{ col1, col2, indicator string }

var scrubPTPs = [...]scrubPTP{
	{"45380", "45378", "1"}, {"43239", "43235", "1"}, {"80053", "80048", "0"}, {"93000", "93005", "0"},
	{"71046", "71045", "0"}, {"29881", "20610", "1"}, {"11042", "97597", "1"}, {"12002", "11102", "1"},
}

// scrubMUE is a unit ceiling with its adjudication indicator.
type scrubMUE struct {
	code      string
	units     int
	indicator string
}

var scrubMUEs = [...]scrubMUE{
	{"36415", 1, "2"}, {"96372", 4, "3"}, {"J1885", 8, "3"}, {"J3301", 8, "3"}, {"20610", 2, "2"},
	{"11042", 1, "2"}, {"85025", 1, "2"}, {"93000", 1, "2"}, {"97110", 4, "3"}, {"71046", 2, "1"},
}

// scrubCoverage is a coverage rule whose diagnosis does not support the
// procedure.
type scrubCoverage struct{ code, rule, dx string }

var scrubCoverages = [...]scrubCoverage{
	{"93306", "LCD L33577", "R00.2"}, {"73721", "LCD L34630", "M79.604"}, {"80053", "NCD 190.23", "Z00.00"},
	{"85025", "NCD 190.15", "Z13.0"}, {"64483", "LCD L39242", "M54.50"}, {"71046", "LCD L35039", "R05.9"},
}

// scrubFixed is an edit whose wording does not depend on the claim's
// lines beyond an optional procedure code.
type scrubFixed struct {
	code, message, severity, source, owner string
	procedure                              string // the line's code for line-level edits; "" for claim-level
	forBill                                string // limits the edit to one bill type; "" for both
	dx                                     string // a diagnosis the edit is about, added to the claim
}

var scrubPayerEdits = [...]scrubFixed{
	{"PAY-AUTH", "Prior authorization number required for this procedure", SeverityHard, SourcePayer, OwnerBilling, "73721", "", ""},
	{"PAY-NDC", "NDC and quantity required for drug code", SeverityHard, SourcePayer, OwnerBilling, "J1885", "", ""},
	{"PAY-TOB", "Payer does not accept this type of bill electronically", SeveritySoft, SourcePayer, OwnerBilling, "", BillTypeUB04, ""},
	{"PAY-RX", "Referring provider required for diagnostic imaging", SeveritySoft, SourcePayer, OwnerBilling, "71046", "", ""},
}

var scrubEligibilityEdits = [...]scrubFixed{
	{"ELG-SUBID", "Subscriber ID does not match the payer's format", SeverityHard, SourceClearinghouse, OwnerRegistration, "", "", ""},
	{"ELG-TERM", "Coverage terminated before the date of service", SeverityHard, SourceClearinghouse, OwnerRegistration, "", "", ""},
	{"DEM-DOB", "Patient date of birth does not match eligibility response", SeverityHard, SourceClearinghouse, OwnerRegistration, "", "", ""},
	{"DEM-REL", "Patient relationship to subscriber missing", SeveritySoft, SourceClearinghouse, OwnerRegistration, "", "", ""},
}

var scrubEnrollmentEdits = [...]scrubFixed{
	{"ENR-RND", "Rendering provider not enrolled with payer", SeverityHard, SourceClearinghouse, OwnerITMasterFile, "", "", ""},
	{"ENR-BIL", "Billing provider NPI not on file for payer", SeverityHard, SourceClearinghouse, OwnerITMasterFile, "", "", ""},
}

var scrubFormatEdits = [...]scrubFixed{
	{"FMT-TAX", "Billing provider taxonomy code missing (2000A PRV)", SeverityHard, SourceClearinghouse, OwnerITMasterFile, "", "", ""},
	{"FMT-ZIP", "Billing provider ZIP code must be 9 digits", SeverityHard, SourceClearinghouse, OwnerITMasterFile, "", "", ""},
	{"FMT-VAL", "Value code required for this type of bill", SeverityHard, SourceClearinghouse, OwnerBilling, "", BillTypeUB04, ""},
	{"FMT-POS", "Place of service code invalid", SeverityHard, SourceClearinghouse, OwnerBilling, "", BillTypeCMS1500, ""},
}

// Code editor edits. Outpatient (OCE) applies to outpatient UB-04 claims,
// inpatient (MCE) to inpatient ones.
var scrubOCEEdits = [...]scrubFixed{
	{"OCE-001", "Invalid diagnosis code", SeverityHard, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, "E11.99"},
	{"OCE-002", "Diagnosis and age conflict", SeverityHard, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, "Z00.129"},
	{"OCE-003", "Diagnosis and sex conflict", SeverityHard, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, "N40.0"},
	{"OCE-018", "Inpatient-only procedure on an outpatient claim", SeverityHard, SourceCodeEditor, OwnerCoding, "33533", BillTypeUB04, ""},
	{"OCE-074", "Units of service out of range for the code", SeveritySoft, SourceCodeEditor, OwnerCoding, "97110", BillTypeUB04, ""},
}

var scrubMCEEdits = [...]scrubFixed{
	{"MCE-01", "Invalid diagnosis or procedure code", SeverityHard, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, "I50.90"},
	{"MCE-03", "External cause code as principal diagnosis", SeverityHard, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, "V43.52XA"},
	{"MCE-05", "Duplicate of principal diagnosis", SeveritySoft, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, ""},
	{"MCE-06", "Diagnosis and age conflict", SeverityHard, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, "P07.30"},
	{"MCE-07", "Diagnosis and sex conflict", SeverityHard, SourceCodeEditor, OwnerCoding, "", BillTypeUB04, "O80"},
}

// scrubPayerDays is each financial class's timely-filing limit in days
// after the last date of service.
var scrubPayerDays = map[string]int{
	"Medicare": 365, "Medicare Advantage": 180, "Medicaid": 365, "Commercial": 90, "Managed Care": 120, "Workers Comp": 180,
}

// scrubBypassModifiers are the NCCI bypass modifiers an indicator-1 pair
// may carry.
const scrubBypassModifiers = "59, XE, XP, XS or XU"

var scrubRevenueCodes = map[string]string{
	"36415": "0300", "80053": "0301", "85025": "0305", "71046": "0324", "73721": "0610", "93000": "0730",
	"93306": "0483", "96372": "0636", "J1885": "0636", "J3301": "0636", "97110": "0420",
}
