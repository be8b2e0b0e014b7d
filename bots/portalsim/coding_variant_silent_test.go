package portalsim

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Each silent fault does what it says, on the HTTP surface: the list
// pages, the JSON the scripts render, the detail pages.

func TestSilentEndEarly(t *testing.T) {
	w, srv := newVariant(t, VariantPaged, Config{Accounts: 34, PageSize: 10, Silent: SilentFaults{EndEarly: 13}})
	c, _ := throughInterstitials(t, srv.URL)
	_, _, body := get(t, c, srv.URL+"/worklist?page=2")
	doc := parseHTML(t, body)
	if got := len(tableRecords(t, doc)); got != 3 {
		t.Errorf("page 2 holds %d rows, want 3", got)
	}
	if got := textOf(first(t, doc, "#page-of")); got != "Page 2 of 2" {
		t.Errorf("page 2 says %q, want Page 2 of 2", got)
	}
	if got := countTotal(t, doc); got != 34 {
		t.Errorf("count says %d, want the real 34", got)
	}
	if status, _, _ := get(t, c, srv.URL+"/worklist?page=3"); status != http.StatusNotFound {
		t.Errorf("page 3: status %d, want 404", status)
	}
	// The scripts' JSON ends at the same place.
	_, lp := apiPage(t, c, srv.URL+"/api/worklist?page=2&size=10")
	if lp.Pages != 2 || lp.Total != 34 || len(lp.Rows) != 3 || lp.Last != 13 {
		t.Errorf("api page 2: pages %d total %d rows %d last %d, want 2 34 3 13", lp.Pages, lp.Total, len(lp.Rows), lp.Last)
	}
	// The export stays whole.
	if rows := exportRows(t, c, srv.URL); len(rows) != len(w.Accounts()) {
		t.Errorf("export: %d rows, want %d", len(rows), len(w.Accounts()))
	}
}

func TestSilentCountExtra(t *testing.T) {
	_, srv := newVariant(t, VariantFrames, Config{Accounts: 34, PageSize: 10, Silent: SilentFaults{CountExtra: 5}})
	c, _ := throughInterstitials(t, srv.URL)
	rows, total := readVariantList(t, c, srv.URL, VariantFrames)
	if len(rows) != 34 || total != 39 {
		t.Errorf("read %d rows, count %d, want 34 and 39", len(rows), total)
	}
}

func TestSilentBrokenNext(t *testing.T) {
	_, srv := newVariant(t, VariantFrames, Config{Accounts: 34, PageSize: 10, Silent: SilentFaults{BrokenNext: true}})
	c, _ := throughInterstitials(t, srv.URL)
	status, _, body := get(t, c, srv.URL+"/worklist/list?page=1&size=10")
	if status != http.StatusOK {
		t.Fatalf("page 1: status %d", status)
	}
	doc := parseHTML(t, body)
	links := all(doc, "#num-pager a.page-num")
	if len(links) != 3 {
		t.Fatalf("pager offers %d other pages, want 3", len(links))
	}
	for _, a := range links {
		href := strings.ReplaceAll(attr(a, "href"), "&amp;", "&")
		if status, _, _ := get(t, c, srv.URL+href); status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", href, status)
		}
	}
	if status, _ := apiPage(t, c, srv.URL+"/api/worklist?page=2"); status != http.StatusNotFound {
		t.Errorf("api page 2: status %d, want 404", status)
	}
}

func TestSilentShiftedGroup(t *testing.T) {
	cases := []struct{ variant, layout string }{{"", LayoutV1}, {"", LayoutV2}, {VariantButtons, LayoutV1}, {VariantScroll, LayoutV1}}
	for _, tc := range cases {
		t.Run(tc.variant+tc.layout, func(t *testing.T) {
			w, srv := newVariant(t, tc.variant, Config{Accounts: 40, Layout: tc.layout, Silent: SilentFaults{ShiftedGroup: true}})
			c, _ := throughInterstitials(t, srv.URL)
			shifted, whole := 0, 0
			for _, a := range w.Accounts() {
				_, _, body := get(t, c, srv.URL+"/accounts/"+a.Number)
				doc := parseHTML(t, body)
				if variantSpecs[tc.variant].detail == detailDL {
					for i, dl := range all(doc, "#hold-reasons dl.reason-group") {
						for _, p := range dlPairs(dl) {
							if !p.ok && (p.label != "Physician" || a.HoldReasons[i].Physician != "") {
								t.Fatalf("%s: label %q lost its value", a.Number, p.label)
							}
							if !p.ok {
								shifted++
							}
						}
					}
					continue
				}
				table := first(t, doc, "#hold-reason-table, #holdGrid")
				headers := len(all(table, "thead th"))
				for i, tr := range all(table, "tbody tr") {
					switch cells := len(all(tr, "td")); {
					case cells == headers-1 && a.HoldReasons[i].Physician == "":
						shifted++
					case cells == headers && a.HoldReasons[i].Physician != "":
						whole++
					default:
						t.Fatalf("%s reason %d: %d cells under %d headers (physician %q)", a.Number, i, cells, headers, a.HoldReasons[i].Physician)
					}
				}
			}
			if shifted == 0 || (whole == 0 && variantSpecs[tc.variant].detail != detailDL) {
				t.Errorf("%d hold reasons shifted, %d whole; want some of each", shifted, whole)
			}
		})
	}
}

func TestSilentSurvey(t *testing.T) {
	for _, variant := range []string{"", VariantButtons} {
		_, srv := newVariant(t, variant, Config{Silent: SilentFaults{Survey: true}})
		_, steps := throughInterstitials(t, srv.URL)
		if len(steps) == 0 || steps[0] != stepSurvey {
			t.Errorf("variant %q: interstitials %v, want the undeclared %q first", variant, steps, stepSurvey)
		}
	}
	// Without the knob the page does not exist.
	_, srv := newPortal(t, Config{})
	c := loggedIn(t, srv.URL)
	if status, _, _ := get(t, c, srv.URL+"/welcome/"+stepSurvey); status != http.StatusNotFound {
		t.Errorf("survey page without the knob: status %d, want 404", status)
	}
}

func TestInterstitialsRefuseBadForms(t *testing.T) {
	_, srv := newVariant(t, VariantPaged, Config{})
	c := loggedIn(t, srv.URL)
	status, h, _ := get(t, c, srv.URL+"/accounts/x")
	if status != http.StatusFound || !strings.HasPrefix(h.Get("Location"), "/welcome/terms?next=") {
		t.Fatalf("detail before the terms: %d to %q, want the terms page", status, h.Get("Location"))
	}
	_, _, body := get(t, c, srv.URL+"/welcome/terms")
	csrf := attr(first(t, parseHTML(t, body), "input[name=csrf_token]"), "value")
	for name, form := range map[string]url.Values{
		"no csrf":     {"accept": {"yes"}},
		"not ticked":  {"csrf_token": {csrf}},
		"bad csrf":    {"csrf_token": {"x"}, "accept": {"yes"}},
		"other value": {"csrf_token": {csrf}, "accept": {"on"}},
	} {
		resp, err := c.PostForm(srv.URL+"/welcome/terms", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want the form again (200)", name, resp.StatusCode)
		}
	}
	resp, err := c.PostForm(srv.URL+"/welcome/terms", url.Values{"csrf_token": {csrf}, "accept": {"yes"}, "next": {"/worklist"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, _, body = get(t, c, srv.URL+"/welcome/facility")
	csrf = attr(first(t, parseHTML(t, body), "input[name=csrf_token]"), "value")
	resp, err = c.PostForm(srv.URL+"/welcome/facility", url.Values{"csrf_token": {csrf}, "facility": {"Somewhere else"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("unknown facility: status %d, want the form again", resp.StatusCode)
	}
	if status, h, _ := get(t, c, srv.URL+"/worklist"); status != http.StatusFound || !strings.HasPrefix(h.Get("Location"), "/welcome/facility") {
		t.Errorf("worklist after terms only: %d to %q, want the facility picker", status, h.Get("Location"))
	}
	// A new session meets the pages again.
	if _, steps := throughInterstitials(t, srv.URL); len(steps) != 2 {
		t.Errorf("new session: interstitials %v, want 2", steps)
	}
}

func TestConsentBanner(t *testing.T) {
	for _, variant := range append(Variants(), "") {
		_, srv := newVariant(t, variant, Config{})
		_, _, body := get(t, client(t), srv.URL+"/login")
		has := len(all(parseHTML(t, body), "#consent-overlay button#consent-accept")) == 1
		if want := variantSpecs[variant].has(InterstitialConsent); has != want {
			t.Errorf("variant %q: login page banner %v, want %v", variant, has, want)
		}
		if !has {
			continue
		}
		c, _ := throughInterstitials(t, srv.URL) // sets the consent cookie
		_, _, body = get(t, c, srv.URL+"/worklist")
		if len(all(parseHTML(t, body), "#consent-overlay")) != 0 {
			t.Errorf("variant %q: banner shown after consent", variant)
		}
	}
}

func exportRows(t *testing.T, c *http.Client, base string) [][]string {
	t.Helper()
	resp, err := c.Get(base + "/worklist/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(CodingExportColumns(), ",") {
		t.Fatalf("export headings %v", recs[0])
	}
	return recs[1:]
}

func TestExportIsTheGroundTruth(t *testing.T) {
	w, srv := newVariant(t, VariantCards, Config{Accounts: 57})
	c, _ := throughInterstitials(t, srv.URL)
	rows := exportRows(t, c, srv.URL)
	truth := w.Accounts()
	if len(rows) != len(truth) {
		t.Fatalf("export: %d rows, want %d", len(rows), len(truth))
	}
	for i, a := range truth {
		var codes []string
		for _, h := range a.HoldReasons {
			codes = append(codes, h.Code)
		}
		want := []string{a.Number, a.PatientName, a.Facility, a.PatientClass, usDate(a.DischargeDate), strconv.Itoa(a.DaysSinceDischarge),
			yesNo(a.InBillHold), statusLabel(a.CodingStatus), a.PrimaryPayer, money(a.TotalChargesCents), strings.Join(codes, ";"), a.Queue}
		if strings.Join(rows[i], "|") != strings.Join(want, "|") {
			t.Fatalf("export row %d:\n got %v\nwant %v", i, rows[i], want)
		}
	}
	_, _, _ = get(t, client(t), srv.URL+"/worklist/export.csv") // without a session: a redirect, checked below
	if status, _, _ := get(t, client(t), srv.URL+"/worklist/export.csv"); status != http.StatusFound {
		t.Errorf("export without a session: status %d, want 302 to the login", status)
	}
}
