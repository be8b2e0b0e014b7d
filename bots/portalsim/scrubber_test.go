package portalsim

import (
	"encoding/csv"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var scrubNow = time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)

func newScrubber(t *testing.T, cfg ScrubberConfig) (*ClaimScrubber, *httptest.Server) {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return scrubNow }
	}
	s, err := NewClaimScrubber(cfg)
	if err != nil {
		t.Fatalf("NewClaimScrubber: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func scrubLogin(t *testing.T, base string) *http.Client {
	t.Helper()
	c := client(t)
	resp, err := c.PostForm(base+"/login", url.Values{
		"username": {ScrubberUsernameDefault}, "password": {ScrubberPasswordDefault}, "next": {"/batches"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/batches" {
		t.Fatalf("login: %d to %q, want 303 to /batches", resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

func TestScrubberLoginRequired(t *testing.T) {
	_, srv := newScrubber(t, ScrubberConfig{Claims: 10})
	for _, path := range []string{"/batches", "/batches/B1", "/claims/CLM1", "/export/edits.csv"} {
		status, h, _ := get(t, client(t), srv.URL+path)
		if status != http.StatusFound || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
			t.Errorf("GET %s without login: %d to %q, want a redirect to the login form", path, status, h.Get("Location"))
		}
	}
	c := client(t)
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"username": {ScrubberUsernameDefault}, "password": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="login-error"`) {
		t.Errorf("bad password: status %d, want the form with an error", resp.StatusCode)
	}
}

var (
	scrubRowRe   = regexp.MustCompile(`<tr class="(?:batch-row|claim-row|grid-row)" data-key="([^"]+)">`)
	scrubNextRe  = regexp.MustCompile(`<a class="(?:pager-next|pg-fwd)"(?: rel="next")? href="([^"]+)">`)
	scrubCellRe  = regexp.MustCompile(`<td class="col-([a-z0-9]+)">(?:<a [^>]*>)?([^<]*)`)
	scrubEditRe  = regexp.MustCompile(`(?s)<tr class="(?:edit-row|edit-item)" data-key="([^"]+)">(.*?)</tr>`)
	scrubKVv1Re  = regexp.MustCompile(`<tr class="kv"><th scope="row">([^<]+)</th><td>([^<]*)</td></tr>`)
	scrubKVv2Re  = regexp.MustCompile(`<div class="summary-item"><dt>([^<]+)</dt><dd>([^<]*)</dd></div>`)
	scrubCSRFRe  = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)
	scrubEditsRe = regexp.MustCompile(`class="col-edits">(\d+)<`)
)

// walk follows a list's pager from path and returns the row keys in order.
func walk(t *testing.T, c *http.Client, base, path string) []string {
	t.Helper()
	var keys []string
	seen := map[string]bool{}
	for next := path; next != ""; {
		if seen[next] {
			t.Fatalf("pager loops back to %s", next)
		}
		seen[next] = true
		status, _, body := get(t, c, base+next)
		if status != http.StatusOK {
			t.Fatalf("GET %s: status %d", next, status)
		}
		for _, m := range scrubRowRe.FindAllStringSubmatch(body, -1) {
			keys = append(keys, m[1])
		}
		next = ""
		if m := scrubNextRe.FindStringSubmatch(body); m != nil {
			next = html.UnescapeString(m[1])
		}
	}
	return keys
}

func TestScrubberPaginationCoversEveryClaimOnce(t *testing.T) {
	for _, layout := range []string{LayoutV1, LayoutV2} {
		t.Run(layout, func(t *testing.T) {
			s, srv := newScrubber(t, ScrubberConfig{Claims: 137, PageSize: 10, Layout: layout})
			c := scrubLogin(t, srv.URL)
			batches := walk(t, c, srv.URL, "/batches")
			var wantBatches []string
			for _, b := range s.Batches() {
				wantBatches = append(wantBatches, b.ID)
			}
			if !reflect.DeepEqual(batches, wantBatches) {
				t.Fatalf("batch pages list %d batches, want %d in order", len(batches), len(wantBatches))
			}
			var claims []string
			for _, b := range batches {
				claims = append(claims, walk(t, c, srv.URL, "/batches/"+b)...)
			}
			var want []string
			for _, cl := range s.Claims() {
				want = append(want, cl.ID)
			}
			if !reflect.DeepEqual(claims, want) {
				t.Errorf("batch pages list %d claims, want each of %d exactly once in order", len(claims), len(want))
			}
			if status, _, _ := get(t, c, srv.URL+"/batches?page=99"); status != http.StatusNotFound {
				t.Errorf("page past the end: status %d, want 404", status)
			}
			if status, _, _ := get(t, c, srv.URL+"/batches/NOPE"); status != http.StatusNotFound {
				t.Errorf("unknown batch: status %d, want 404", status)
			}
		})
	}
}

// editCells is what a claim page must show for an edit, by column class.
func editCells(layout string, e Edit) map[string]string {
	return map[string]string{
		"id": e.ID, "source": scrubLabel(e.Source), "category": scrubLabel(e.Category), "code": e.Code,
		"severity": scrubLabel(e.Severity), "line": scrubInt(e.Line), "proc": e.ProcedureCode,
		"mods": scrubList(layout, e.Modifiers), "units": scrubInt(e.Units), "dx": scrubList(layout, e.Diagnoses),
		"col1": e.Column1, "col2": e.Column2, "modind": e.ModifierIndicator, "mue": scrubInt(e.MUEUnits),
		"mai": e.MUEIndicator, "message": e.Message, "owner": scrubLabel(e.Owner),
		"first": scrubDate(layout, e.FirstSeen), "age": strconv.Itoa(e.AgeDays), "status": scrubLabel(e.Status),
	}
}

func TestScrubberClaimPageShowsEveryEdit(t *testing.T) {
	for _, layout := range []string{LayoutV1, LayoutV2} {
		t.Run(layout, func(t *testing.T) {
			s, srv := newScrubber(t, ScrubberConfig{Claims: 40, Layout: layout})
			c := scrubLogin(t, srv.URL)
			kvRe := scrubKVv1Re
			if layout == LayoutV2 {
				kvRe = scrubKVv2Re
			}
			for _, cl := range s.Claims() {
				status, _, body := get(t, c, srv.URL+"/claims/"+cl.ID)
				if status != http.StatusOK {
					t.Fatalf("claim %s: status %d", cl.ID, status)
				}
				body = html.UnescapeString(body)
				header := map[string]string{}
				for _, m := range kvRe.FindAllStringSubmatch(body, -1) {
					header[m[1]] = m[2]
				}
				for _, kv := range scrubHeader(layout, &cl) {
					if header[kv.Label] != kv.Value {
						t.Errorf("claim %s: %s = %q, want %q", cl.ID, kv.Label, header[kv.Label], kv.Value)
					}
				}
				rows := scrubEditRe.FindAllStringSubmatch(body, -1)
				if len(rows) != len(cl.Edits) {
					t.Fatalf("claim %s: %d edit rows, want %d", cl.ID, len(rows), len(cl.Edits))
				}
				for i, e := range cl.Edits {
					got := map[string]string{}
					for _, m := range scrubCellRe.FindAllStringSubmatch(rows[i][2], -1) {
						got[m[1]] = m[2]
					}
					delete(got, "action") // the form, not data
					if w := editCells(layout, e); !reflect.DeepEqual(got, w) {
						t.Errorf("claim %s edit %s:\n got %v\nwant %v", cl.ID, e.ID, got, w)
					}
				}
			}
			if status, _, _ := get(t, c, srv.URL+"/claims/CLM0"); status != http.StatusNotFound {
				t.Errorf("unknown claim: status %d, want 404", status)
			}
		})
	}
}

var (
	cptRe   = regexp.MustCompile(`^(\d{5}|\d{4}[FT]|[A-Z]\d{4})$`)
	icdRe   = regexp.MustCompile(`^[A-Z]\d[A-Z0-9](\.[A-Z0-9]{1,4})?$`)
	modRe   = regexp.MustCompile(`^[A-Z0-9]{2}$`)
	tenDigs = regexp.MustCompile(`^\d{10}$`)
)

// luhnNPI checks an NPI the way CMS specifies: Luhn over 80840 and the ten
// digits. Written independently of the generator on purpose.
func luhnNPI(npi string) bool {
	s := "80840" + npi
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestScrubberDataIsPlausible(t *testing.T) {
	s, _ := newScrubber(t, ScrubberConfig{Claims: 2000})
	today := dateOf(scrubNow)
	categories := map[string]int{}
	owners := map[string]bool{OwnerCoding: true, OwnerRegistration: true, OwnerBilling: true, OwnerITMasterFile: true}
	sources := map[string]bool{SourceScrubber: true, SourceClearinghouse: true, SourceCodeEditor: true, SourcePayer: true}
	ids := map[string]bool{}
	for _, c := range s.Claims() {
		if ids[c.ID] {
			t.Fatalf("claim id %s repeats", c.ID)
		}
		ids[c.ID] = true
		if !tenDigs.MatchString(c.BillingNPI) || !luhnNPI(c.BillingNPI) {
			t.Fatalf("claim %s: NPI %s fails the Luhn check", c.ID, c.BillingNPI)
		}
		if c.ServiceFrom.After(c.ServiceTo) || !c.ServiceTo.Before(today) || !c.FilingDeadline.After(c.ServiceTo) {
			t.Fatalf("claim %s: service %s–%s, deadline %s", c.ID, c.ServiceFrom, c.ServiceTo, c.FilingDeadline)
		}
		if (c.BillType == BillTypeUB04) != (c.TypeOfBill != "") || (c.BillType != BillTypeUB04 && c.BillType != BillTypeCMS1500) {
			t.Fatalf("claim %s: bill type %s, type of bill %q", c.ID, c.BillType, c.TypeOfBill)
		}
		for _, dx := range c.Diagnoses {
			if !icdRe.MatchString(dx) {
				t.Fatalf("claim %s: diagnosis %q is not ICD-10-CM", c.ID, dx)
			}
		}
		for _, l := range c.Lines {
			if !cptRe.MatchString(l.Code) || l.Units < 1 {
				t.Fatalf("claim %s line %d: code %q units %d", c.ID, l.Number, l.Code, l.Units)
			}
			for _, m := range l.Modifiers {
				if !modRe.MatchString(m) {
					t.Fatalf("claim %s line %d: modifier %q", c.ID, l.Number, m)
				}
			}
			for _, p := range l.Pointers {
				if p < 1 || p > len(c.Diagnoses) {
					t.Fatalf("claim %s line %d: pointer %d of %d diagnoses", c.ID, l.Number, p, len(c.Diagnoses))
				}
			}
		}
		if len(c.Edits) == 0 {
			t.Fatalf("claim %s has no edit", c.ID)
		}
		for _, e := range c.Edits {
			categories[e.Category]++
			where := c.ID + " " + e.ID
			if !owners[e.Owner] || !sources[e.Source] || (e.Severity != SeverityHard && e.Severity != SeveritySoft) || e.Status != EditOpen {
				t.Fatalf("edit %s: owner %q source %q severity %q status %q", where, e.Owner, e.Source, e.Severity, e.Status)
			}
			if e.FirstSeen.After(today) || e.AgeDays != daysBetween(e.FirstSeen, today) || e.Code == "" || e.Message == "" {
				t.Fatalf("edit %s: first seen %s age %d", where, e.FirstSeen, e.AgeDays)
			}
			if e.Line > 0 {
				l := c.Lines[e.Line-1]
				if e.ProcedureCode != l.Code || e.Units != l.Units || !slices.Equal(e.Modifiers, l.Modifiers) || len(e.Diagnoses) == 0 {
					t.Fatalf("edit %s does not match its line %d", where, e.Line)
				}
			}
			for _, dx := range e.Diagnoses {
				if !icdRe.MatchString(dx) {
					t.Fatalf("edit %s: diagnosis %q", where, dx)
				}
			}
			switch e.Category {
			case CategoryNCCIPTP:
				codes := map[string]bool{}
				for _, l := range c.Lines {
					codes[l.Code] = true
				}
				if !codes[e.Column1] || !codes[e.Column2] || e.ProcedureCode != e.Column2 || (e.ModifierIndicator != "0" && e.ModifierIndicator != "1") {
					t.Fatalf("PTP edit %s: %s/%s indicator %q", where, e.Column1, e.Column2, e.ModifierIndicator)
				}
			case CategoryMUE:
				if e.Units <= e.MUEUnits || !strings.Contains("123", e.MUEIndicator) || len(e.MUEIndicator) != 1 {
					t.Fatalf("MUE edit %s: %d units over %d, MAI %q", where, e.Units, e.MUEUnits, e.MUEIndicator)
				}
			case CategoryOCE:
				if c.TypeOfBill != "0131" {
					t.Fatalf("OCE edit %s on type of bill %q", where, c.TypeOfBill)
				}
			case CategoryMCE:
				if c.TypeOfBill != "0111" {
					t.Fatalf("MCE edit %s on type of bill %q", where, c.TypeOfBill)
				}
			}
			if e.Category != CategoryNCCIPTP && (e.Column1 != "" || e.ModifierIndicator != "") ||
				e.Category != CategoryMUE && (e.MUEUnits != 0 || e.MUEIndicator != "") {
				t.Fatalf("edit %s of %s carries another family's fields", where, e.Category)
			}
		}
	}
	for _, cat := range ScrubberCategories() {
		if categories[cat] < 20 {
			t.Errorf("category %s has %d edits in 2,000 claims: %v", cat, categories[cat], categories)
		}
	}
}

func TestScrubberDefaultCoversEveryFamily(t *testing.T) {
	s, _ := newScrubber(t, ScrubberConfig{})
	seen := map[string]bool{}
	for _, c := range s.Claims() {
		for _, e := range c.Edits {
			seen[e.Category] = true
		}
	}
	if len(s.Claims()) != ScrubberClaimsDefault {
		t.Errorf("%d claims, want %d", len(s.Claims()), ScrubberClaimsDefault)
	}
	for _, cat := range ScrubberCategories() {
		if !seen[cat] {
			t.Errorf("the default data set has no %s edit", cat)
		}
	}
}

func TestScrubberDeterministic(t *testing.T) {
	a, _ := newScrubber(t, ScrubberConfig{Seed: 42, Claims: 300})
	b, _ := newScrubber(t, ScrubberConfig{Seed: 42, Claims: 300})
	c, _ := newScrubber(t, ScrubberConfig{Seed: 43, Claims: 300})
	if !reflect.DeepEqual(a.Claims(), b.Claims()) || !reflect.DeepEqual(a.Batches(), b.Batches()) {
		t.Error("same seed and clock gave different claims")
	}
	if reflect.DeepEqual(a.Claims(), c.Claims()) {
		t.Error("different seeds gave the same claims")
	}
	got := a.Claims()
	got[0].Edits[0].Code = "CHANGED"
	if a.Claims()[0].Edits[0].Code == "CHANGED" {
		t.Error("changing Claims' result changed the portal")
	}
}

func readExport(t *testing.T, c *http.Client, base string) (http.Header, [][]string) {
	t.Helper()
	status, h, body := get(t, c, base+"/export/edits.csv")
	if status != http.StatusOK {
		t.Fatalf("export: status %d", status)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	return h, rows
}

func TestScrubberExport(t *testing.T) {
	s, srv := newScrubber(t, ScrubberConfig{Claims: 60})
	c := scrubLogin(t, srv.URL)
	h, rows := readExport(t, c, srv.URL)
	if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment; filename=") || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Errorf("export headers: %q, %q", h.Get("Content-Disposition"), h.Get("Content-Type"))
	}
	if !reflect.DeepEqual(rows[0], ScrubberExportColumns()) {
		t.Fatalf("export headings %v", rows[0])
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	i := 1
	for _, cl := range s.Claims() {
		for _, e := range cl.Edits {
			r := rows[i]
			i++
			for name, want := range map[string]string{
				"Claim ID": cl.ID, "Edit ID": e.ID, "Edit Code": e.Code, "Severity": strings.ToUpper(e.Severity),
				"Through Date": cl.ServiceTo.Format("2006-01-02"), "Modifiers": strings.Join(e.Modifiers, ","),
				"Diagnosis Codes": strings.Join(e.Diagnoses, ","), "MUE Units": scrubInt(e.MUEUnits), "Status": "OPEN",
				"Edit Message": e.Message, "Age Days": strconv.Itoa(e.AgeDays),
			} {
				if got := r[col(name)]; got != want {
					t.Errorf("export %s:%s %s = %q, want %q", cl.ID, e.ID, name, got, want)
				}
			}
		}
	}
	if i != len(rows) {
		t.Errorf("export has %d rows, portal %d edits", len(rows)-1, i-1)
	}

	// Faults: one cell changed, one edit left out.
	cl := s.Claims()[0]
	e := cl.Edits[0]
	other := s.Claims()[1]
	if err := s.SetExportFaults(ExportFault{ClaimID: cl.ID, EditID: e.ID, Column: "Edit Code", Value: "XX-1"},
		ExportFault{ClaimID: other.ID, EditID: other.Edits[0].ID, Omit: true}); err != nil {
		t.Fatal(err)
	}
	_, faulty := readExport(t, c, srv.URL)
	if len(faulty) != len(rows)-1 || faulty[1][col("Edit Code")] != "XX-1" || faulty[1][col("Edit ID")] != e.ID {
		t.Errorf("faulty export: %d rows, first edit code %q", len(faulty)-1, faulty[1][col("Edit Code")])
	}
	for _, r := range faulty {
		if r[col("Claim ID")] == other.ID && r[col("Edit ID")] == other.Edits[0].ID {
			t.Error("omitted edit still exported")
		}
	}
	if err := s.SetExportFaults(ExportFault{ClaimID: "CLM0", EditID: "E01", Omit: true}); err == nil {
		t.Error("fault on an unknown edit accepted")
	}
	if err := s.SetExportFaults(ExportFault{ClaimID: cl.ID, EditID: e.ID, Column: "Nope"}); err == nil {
		t.Error("fault on an unknown column accepted")
	}
	if err := s.SetExportFaults(); err != nil {
		t.Fatal(err)
	}
	if _, again := readExport(t, c, srv.URL); !reflect.DeepEqual(again, rows) {
		t.Error("clearing the faults did not restore the export")
	}
}

func TestScrubberMarkCorrected(t *testing.T) {
	var now = scrubNow
	s, srv := newScrubber(t, ScrubberConfig{Claims: 20, SessionTTL: 72 * time.Hour, Now: func() time.Time { return now }})
	c := scrubLogin(t, srv.URL)
	cl := s.Claims()[4]
	e := cl.Edits[0]
	action := srv.URL + "/claims/" + cl.ID + "/edits/" + e.ID + "/correct"
	_, _, page := get(t, c, srv.URL+"/claims/"+cl.ID)
	m := scrubCSRFRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("claim page has no CSRF token")
	}
	post := func(token string) int {
		resp, err := c.PostForm(action, url.Values{"csrf_token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := post("bad"); status != http.StatusForbidden {
		t.Fatalf("POST without the CSRF token: %d, want 403", status)
	}
	if status := post(m[1]); status != http.StatusSeeOther {
		t.Fatalf("POST: %d, want 303", status)
	}
	got := s.Claims()[4].Edits[0]
	if got.Status != EditCorrected || !got.Corrected.Equal(dateOf(scrubNow)) {
		t.Fatalf("after POST: status %s corrected %s", got.Status, got.Corrected)
	}
	now = now.AddDate(0, 0, 2)
	if status := post(m[1]); status != http.StatusSeeOther {
		t.Fatalf("second POST: %d, want 303", status)
	}
	if again := s.Claims()[4].Edits[0]; !again.Corrected.Equal(got.Corrected) {
		t.Error("a second correction changed the correction date")
	}
	_, _, page = get(t, c, srv.URL+"/claims/"+cl.ID)
	if !strings.Contains(page, `<td class="col-status">Corrected</td>`) {
		t.Error("claim page does not show the edit corrected")
	}
	if status := func() int {
		resp, err := c.PostForm(srv.URL+"/claims/"+cl.ID+"/edits/E99/correct", url.Values{"csrf_token": {m[1]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}(); status != http.StatusNotFound {
		t.Errorf("unknown edit: %d, want 404", status)
	}
}

func TestScrubberFaults(t *testing.T) {
	for _, tc := range []struct{ layout, marker string }{{LayoutV1, `id="maintenance"`}, {LayoutV2, `maint-notice`}} {
		s, srv := newScrubber(t, ScrubberConfig{Claims: 10, Layout: tc.layout, Maintenance: true})
		status, h, body := get(t, client(t), srv.URL+"/login")
		if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(body, tc.marker) {
			t.Errorf("%s maintenance: status %d, Retry-After %q", tc.layout, status, h.Get("Retry-After"))
		}
		if status, _, _ := get(t, client(t), srv.URL+"/static/scrubber.css"); status != http.StatusOK {
			t.Errorf("%s maintenance: stylesheet status %d", tc.layout, status)
		}
		s.SetMaintenance(false)
		if status, _, _ := get(t, client(t), srv.URL+"/login"); status != http.StatusOK {
			t.Errorf("%s after maintenance: status %d", tc.layout, status)
		}
	}
	s, srv := newScrubber(t, ScrubberConfig{Claims: 10, FailRate: 1})
	statuses := map[int]bool{}
	for range 30 {
		status, _, body := get(t, client(t), srv.URL+"/login")
		if status < 500 || !strings.Contains(body, `id="server-error"`) {
			t.Fatalf("fail rate 1: status %d", status)
		}
		statuses[status] = true
	}
	if len(statuses) < 2 {
		t.Errorf("fail rate 1 always answered %v", statuses)
	}
	if err := s.SetFailRate(0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLatency(-1); err == nil {
		t.Error("negative latency accepted")
	}
	if err := s.SetLayout("v3"); err == nil {
		t.Error("unknown layout accepted")
	}
	if err := s.SetLayout(LayoutV2); err != nil {
		t.Fatal(err)
	}
	if _, _, body := get(t, client(t), srv.URL+"/login"); !strings.Contains(body, `id="user-id"`) {
		t.Error("SetLayout(v2) did not change the login form")
	}
}

func TestScrubberConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  ScrubberConfig
		want string
	}{
		{ScrubberConfig{Claims: -1}, "claims -1 out of range"},
		{ScrubberConfig{Claims: ScrubberClaimsMax + 1}, "out of range"},
		{ScrubberConfig{PageSize: 4}, "page size 4 out of range 5–100"},
		{ScrubberConfig{Layout: "v9"}, `layout "v9"`},
		{ScrubberConfig{FailRate: 2}, "fail rate 2 out of range"},
		{ScrubberConfig{Latency: -1}, "latency -1ns is negative"},
		{ScrubberConfig{SessionTTL: -time.Second}, "session TTL is negative"},
	} {
		if _, err := NewClaimScrubber(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewClaimScrubber(%+v) = %v, want error containing %q", tc.cfg, err, tc.want)
		}
	}
}

func TestScrubberScalesToTensOfThousands(t *testing.T) {
	start := time.Now()
	s, srv := newScrubber(t, ScrubberConfig{Claims: 50_000, PageSize: 100})
	// The bound catches quadratic behaviour, not noise.
	d := time.Since(start)
	t.Logf("generating 50,000 claims took %s", d)
	if d > 30*time.Second {
		t.Errorf("generating 50,000 claims took %s", d)
	}
	c := scrubLogin(t, srv.URL)
	batches := s.Batches()
	last := (len(batches) + 99) / 100
	status, _, body := get(t, c, srv.URL+"/batches?page="+strconv.Itoa(last))
	if status != http.StatusOK || len(scrubRowRe.FindAllString(body, -1)) != len(batches)-(last-1)*100 {
		t.Fatalf("last batch page: status %d", status)
	}
	total := 0
	for _, b := range batches {
		total += b.Claims
	}
	_, _, body = get(t, c, srv.URL+"/batches/"+batches[len(batches)-1].ID)
	if total != 50_000 || len(scrubEditsRe.FindAllString(body, -1)) == 0 {
		t.Errorf("batches hold %d claims", total)
	}
}
