package portalsim

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// listRecord is one worklist row read by header name.
type listRecord map[string]string

// expectedRow is the worklist row the ground truth says a variant shows,
// by the variants' header names and v1's value formats.
func expectedRow(a Account) listRecord {
	return listRecord{
		"Queue": a.Queue, "Status": statusLabel(a.CodingStatus), "Account": a.Number, "Patient Name": a.PatientName,
		"Days Since Discharge": strconv.Itoa(a.DaysSinceDischarge), "Discharged": usDate(a.DischargeDate),
		"Facility": a.Facility, "Class": a.PatientClass, "Payer": a.PrimaryPayer, "Charges": money(a.TotalChargesCents),
		"Hold Count": strconv.Itoa(len(a.HoldReasons)), "Bill Hold": yesNo(a.InBillHold),
	}
}

// tableRecords reads a server-rendered worklist table by its headers.
func tableRecords(t *testing.T, doc *html.Node) []listRecord {
	t.Helper()
	var headers []string
	for _, th := range all(doc, "#acct-table thead th") {
		headers = append(headers, textOf(th))
	}
	var out []listRecord
	for _, tr := range all(doc, "#acct-table tbody tr.acct-row") {
		cells := all(tr, "td")
		if len(cells) != len(headers) {
			t.Fatalf("row of %d cells under %d headers", len(cells), len(headers))
		}
		rec := listRecord{}
		for i, td := range cells {
			rec[headers[i]] = textOf(td)
		}
		if attr(tr, "data-account") != rec["Account"] {
			t.Fatalf("row data-account %q, Account cell %q", attr(tr, "data-account"), rec["Account"])
		}
		out = append(out, rec)
	}
	return out
}

// countTotal reads "Showing X–Y of N".
func countTotal(t *testing.T, doc *html.Node) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(textOf(first(t, doc, "#range-total")), ",", ""))
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

// readVariantList reads the whole worklist of a variant the way its
// navigation goes; for script-rendered lists it checks the page carries
// the controls and reads the JSON the script renders.
func readVariantList(t *testing.T, c *http.Client, base, variant string) (rows []listRecord, total int) {
	t.Helper()
	status, _, body := get(t, c, base+"/worklist")
	if status != http.StatusOK {
		t.Fatalf("GET /worklist: status %d", status)
	}
	doc := parseHTML(t, body)
	switch variant {
	case VariantPaged:
		for p := 1; ; p++ {
			status, _, body := get(t, c, base+"/worklist?page="+strconv.Itoa(p))
			if status != http.StatusOK {
				t.Fatalf("page %d: status %d", p, status)
			}
			doc := parseHTML(t, body)
			if len(all(doc, "a[rel=next], .pager-next, #next-btn")) != 0 {
				t.Fatal("paged variant shows a next control")
			}
			rows = append(rows, tableRecords(t, doc)...)
			total = countTotal(t, doc)
			if textOf(first(t, doc, "#page-of")) == "Page "+strconv.Itoa(p)+" of "+strconv.Itoa(p) {
				return rows, total
			}
		}
	case VariantFrames:
		app := attr(first(t, doc, "iframe#app-frame"), "src")
		_, _, body = get(t, c, base+app)
		next := attr(first(t, parseHTML(t, body), "iframe#list-frame"), "src")
		for next != "" {
			status, _, body := get(t, c, base+strings.ReplaceAll(next, "&amp;", "&"))
			if status != http.StatusOK {
				t.Fatalf("GET %s: status %d", next, status)
			}
			doc := parseHTML(t, body)
			rows = append(rows, tableRecords(t, doc)...)
			total = countTotal(t, doc)
			cur, _ := strconv.Atoi(textOf(first(t, doc, "#num-pager [aria-current=page]")))
			next = ""
			for _, a := range all(doc, "#num-pager a.page-num") {
				if textOf(a) == strconv.Itoa(cur+1) {
					next = attr(a, "href")
				}
			}
		}
		for _, a := range all(doc, "a.acct-link") {
			if attr(a, "target") != "_blank" {
				t.Fatal("frames account link does not open a new tab")
			}
		}
		return rows, total
	default:
		want := map[string]string{VariantCards: "#card-list", VariantScroll: "#scroll-sentinel", VariantButtons: "button#next-btn:not([href])"}[variant]
		first(t, doc, want)
		for p := 1; ; p++ {
			_, lp := apiPage(t, c, base+"/api/worklist?page="+strconv.Itoa(p))
			for _, r := range lp.Rows {
				rec := listRecord{}
				for _, col := range variantColumns {
					rec[col.Header] = r.field(col.Key)
				}
				rows = append(rows, rec)
			}
			if p >= lp.Pages {
				return rows, lp.Total
			}
		}
	}
}

// detailFields reads an account's label/value fields and hold reasons.
func detailFields(t *testing.T, c *http.Client, base, variant, number string) (map[string]string, []map[string]string) {
	t.Helper()
	path := "/accounts/" + number
	if variant == VariantCards {
		path += "/panel"
	}
	status, _, body := get(t, c, base+path)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, status)
	}
	doc := parseHTML(t, body)
	fields := map[string]string{}
	var reasons []map[string]string
	if variantSpecs[variant].detail == detailCards {
		for _, card := range all(doc, "#account-cards .field-card") {
			fields[textOf(first(t, card, ".field-label"))] = textOf(first(t, card, ".field-value"))
		}
		var headers []string
		for _, th := range all(doc, "#hold-reason-table thead th") {
			headers = append(headers, textOf(th))
		}
		for _, tr := range all(doc, "#hold-reason-table tbody tr") {
			cells := all(tr, "td")
			if len(cells) != len(headers) {
				t.Fatalf("%s: hold reason row of %d cells under %d headers", number, len(cells), len(headers))
			}
			r := map[string]string{}
			for i, td := range cells {
				if v := textOf(td); v != "" {
					r[headers[i]] = v
				}
			}
			reasons = append(reasons, r)
		}
		return fields, reasons
	}
	for _, dl := range all(doc, "#account-fields dl.fields") {
		for _, p := range dlPairs(dl) {
			fields[p.label] = p.value
		}
	}
	for _, dl := range all(doc, "#hold-reasons dl.reason-group") {
		r := map[string]string{}
		for _, p := range dlPairs(dl) {
			if !p.ok {
				t.Fatalf("%s: hold reason label %q has no value", number, p.label)
			}
			r[p.label] = p.value
		}
		reasons = append(reasons, r)
	}
	return fields, reasons
}

func TestVariantsServeTheSameAccounts(t *testing.T) {
	for _, variant := range Variants() {
		t.Run(variant, func(t *testing.T) {
			w, srv := newVariant(t, variant, Config{Accounts: 34, PageSize: 10, TOTPSecret: NewTOTPSecret(SeedDefault)})
			c, steps := throughInterstitials(t, srv.URL)
			want := slices.DeleteFunc(VariantInterstitials(variant), func(s string) bool { return s == InterstitialConsent })
			if !slices.Equal(steps, want) {
				t.Errorf("interstitials %v, want %v", steps, want)
			}
			truth := w.Accounts()
			rows, total := readVariantList(t, c, srv.URL, variant)
			if total != len(truth) || len(rows) != len(truth) {
				t.Fatalf("read %d rows, count %d, want %d", len(rows), total, len(truth))
			}
			for i, a := range truth {
				if !reflect.DeepEqual(rows[i], expectedRow(a)) {
					t.Fatalf("row %d:\n got %v\nwant %v", i, rows[i], expectedRow(a))
				}
				checkDetail(t, c, srv.URL, variant, a)
			}
		})
	}
}

func checkDetail(t *testing.T, c *http.Client, base, variant string, a Account) {
	t.Helper()
	fields, reasons := detailFields(t, c, base, variant, a.Number)
	want := map[string]string{
		"Account #": a.Number, "Encounter ID": a.EncounterID, "MRN": a.MRN, "Patient Name": a.PatientName,
		"Facility": a.Facility, "Discharge Date": usDate(a.DischargeDate), "Primary Payer": a.PrimaryPayer,
		"Total Charges": money(a.TotalChargesCents), "Coding Status": statusLabel(a.CodingStatus),
		"Assigned Coder": a.AssignedCoder, "Coding Vendor": a.Vendor, "Work Queue": a.Queue, "Attending NPI": a.AttendingNPI,
	}
	if a.DRG != "" {
		want["MS-DRG"] = a.DRG
	}
	for k, v := range want {
		if got, ok := fields[k]; !ok || got != v {
			t.Fatalf("%s field %q = %q (present %v), want %q", a.Number, k, got, ok, v)
		}
	}
	if len(reasons) != len(a.HoldReasons) {
		t.Fatalf("%s: %d hold reasons, want %d", a.Number, len(reasons), len(a.HoldReasons))
	}
	for i, h := range a.HoldReasons {
		w := map[string]string{"Code": h.Code, "Description": h.Description, "Owner": h.OwnerRole, "Note": h.Note, "Added": usDate(h.Added)}
		if h.Physician != "" {
			w["Physician"] = h.Physician
		}
		if !reflect.DeepEqual(reasons[i], w) {
			t.Fatalf("%s hold reason %d:\n got %v\nwant %v", a.Number, i, reasons[i], w)
		}
	}
}

func TestVariantConfig(t *testing.T) {
	for _, cfg := range []Config{{Variant: "tabs"}, {Variant: VariantCards, Layout: LayoutV2}, {Silent: SilentFaults{EndEarly: -1}}, {Silent: SilentFaults{CountExtra: -2}}} {
		if _, err := NewCodingWorklist(cfg); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("config %+v: error %v, want one line", cfg, err)
		}
	}
	w, _ := newVariant(t, VariantCards, Config{})
	if err := w.SetLayout(LayoutV2); err == nil {
		t.Error("SetLayout(v2) on a variant: no error")
	}
	if err := w.SetSilentFaults(SilentFaults{EndEarly: -1}); err == nil {
		t.Error("SetSilentFaults(EndEarly -1): no error")
	}
}
