package portalsim

import (
	"strconv"
	"strings"
	"time"
)

// Labels the scrubber's screens show for stored values.
var scrubLabels = map[string]string{
	SourceScrubber: "Scrubber", SourceClearinghouse: "Clearinghouse", SourceCodeEditor: "Code Editor", SourcePayer: "Payer",

	CategoryNCCIPTP: "NCCI PTP", CategoryMUE: "MUE", CategoryLCDNCD: "LCD/NCD", CategoryModifier: "Modifier",
	CategoryOCE: "OCE", CategoryMCE: "MCE", CategoryPayer: "Payer", CategoryEligibility: "Eligibility",
	CategoryEnrollment: "Enrollment", CategoryFormat: "Format",

	SeverityHard: "Hard", SeveritySoft: "Soft",

	OwnerCoding: "Coding", OwnerRegistration: "Registration", OwnerBilling: "Billing", OwnerITMasterFile: "IT/Master File",

	EditOpen: "Open", EditCorrected: "Corrected",
}

// Labels the CSV export writes, which differ from the screens' as they do
// in real exports.
var scrubExportLabels = map[string]string{
	CategoryNCCIPTP: "NCCI Procedure-to-Procedure", CategoryMUE: "Medically Unlikely Edit",
	CategoryLCDNCD: "LCD/NCD Medical Necessity", CategoryModifier: "Modifier", CategoryOCE: "Outpatient Code Editor",
	CategoryMCE: "Inpatient Code Editor", CategoryPayer: "Payer Specific", CategoryEligibility: "Demographic/Eligibility",
	CategoryEnrollment: "Provider Enrollment", CategoryFormat: "Format",

	SeverityHard: "HARD", SeveritySoft: "SOFT",

	OwnerCoding: "CODING", OwnerRegistration: "REGISTRATION", OwnerBilling: "BILLING", OwnerITMasterFile: "IT_MASTER_FILE",

	EditOpen: "OPEN", EditCorrected: "CORRECTED",
}

func scrubLabel(v string) string {
	if l, ok := scrubLabels[v]; ok {
		return l
	}
	return v
}

func scrubExportLabel(v string) string {
	if l, ok := scrubExportLabels[v]; ok {
		return l
	}
	return scrubLabel(v)
}

// scrubInt shows 0 as an empty cell: claim-level edits have no units.
func scrubInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// scrubDate formats a date the layout's way: v1 as 01/02/2006, v2 as
// Jan 2, 2006.
func scrubDate(layout string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if layout == LayoutV2 {
		return t.Format("Jan 2, 2006")
	}
	return t.Format("01/02/2006")
}

// scrubList joins codes the layout's way: v1 "59, XU", v2 "59 XU".
func scrubList(layout string, codes []string) string {
	if layout == LayoutV2 {
		return strings.Join(codes, " ")
	}
	return strings.Join(codes, ", ")
}
