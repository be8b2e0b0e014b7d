package portalsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var fixedNow = time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)

func newPortal(t *testing.T, cfg Config) (*CodingWorklist, *httptest.Server) {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	w, err := NewCodingWorklist(cfg)
	if err != nil {
		t.Fatalf("NewCodingWorklist: %v", err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return w, srv
}

// client returns an HTTP client with its own cookie jar; it does not
// follow redirects so tests can see them.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func login(t *testing.T, c *http.Client, base, user, pass string) *http.Response {
	t.Helper()
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {pass}, "next": {"/worklist"}})
	if err != nil {
		t.Fatalf("POST /login: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// loggedIn signs in with the password and, when the portal asks for
// it, the TOTP code for secret.
func loggedIn(t *testing.T, base string, secret ...string) *http.Client {
	t.Helper()
	c := client(t)
	resp := login(t, c, base, UsernameDefault, PasswordDefault)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d, want 303", resp.StatusCode)
	}
	if !strings.HasPrefix(resp.Header.Get("Location"), "/login/otp") {
		return c
	}
	s := NewTOTPSecret(SeedDefault)
	if len(secret) > 0 {
		s = secret[0]
	}
	code, err := TOTPCode(s, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := c.PostForm(base+"/login/otp", url.Values{"code": {code}, "next": {"/worklist"}})
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != "/worklist" {
		t.Fatalf("second factor: %d to %q, want 303 to /worklist", r2.StatusCode, r2.Header.Get("Location"))
	}
	return c
}

func TestLoginRequired(t *testing.T) {
	_, srv := newPortal(t, Config{})
	for _, path := range []string{"/worklist", "/worklist?page=2", "/accounts/123"} {
		status, h, _ := get(t, client(t), srv.URL+path)
		if status != http.StatusFound {
			t.Errorf("GET %s without login: status %d, want 302", path, status)
		}
		if loc := h.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("GET %s without login: redirect to %q, want the login form", path, loc)
		}
	}
}

func TestLoginCookie(t *testing.T) {
	_, srv := newPortal(t, Config{})
	resp := login(t, client(t), srv.URL, UsernameDefault, PasswordDefault)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/worklist" {
		t.Fatalf("login: %d to %q, want 303 to /worklist", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("login set %d cookies, want 1", len(cookies))
	}
	if c := cookies[0]; !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Value == "" {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax and a value", c)
	}
}

func TestLoginBadPassword(t *testing.T) {
	_, srv := newPortal(t, Config{})
	c := client(t)
	resp := login(t, c, srv.URL, UsernameDefault, "wrong")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bad login: status %d, want 200 with the form again", resp.StatusCode)
	}
	if !strings.Contains(string(body), `id="login-error"`) || !strings.Contains(string(body), "Invalid username or password.") {
		t.Errorf("bad login page lacks the error message")
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("bad login set a cookie")
	}
	if status, _, _ := get(t, c, srv.URL+"/worklist"); status != http.StatusFound {
		t.Errorf("worklist after bad login: status %d, want redirect", status)
	}
}

func TestSessionExpires(t *testing.T) {
	var now atomic.Int64
	now.Store(fixedNow.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	_, srv := newPortal(t, Config{Now: clock, SessionTTL: 10 * time.Minute})
	c := loggedIn(t, srv.URL)
	now.Add(int64(9 * time.Minute))
	if status, _, _ := get(t, c, srv.URL+"/worklist"); status != http.StatusOK {
		t.Fatalf("after 9 idle minutes: status %d, want 200", status)
	}
	now.Add(int64(11 * time.Minute))
	status, h, _ := get(t, c, srv.URL+"/worklist")
	if status != http.StatusFound || !strings.Contains(h.Get("Location"), "expired=1") {
		t.Fatalf("after 11 idle minutes: %d to %q, want redirect to login with expired=1", status, h.Get("Location"))
	}
}

// apiPage reads one page of the worklist's JSON endpoint.
func apiPage(t *testing.T, c *http.Client, u string) (int, listPage) {
	t.Helper()
	status, _, body := get(t, c, u)
	var p listPage
	if status == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
	}
	return status, p
}

func TestPaginationCoversEveryAccountOnce(t *testing.T) {
	w, srv := newPortal(t, Config{Accounts: 137, PageSize: 20, RenderDelay: -1})
	c := loggedIn(t, srv.URL)
	var seen []string
	pages := 0
	for n := 1; ; n++ {
		status, p := apiPage(t, c, srv.URL+"/api/worklist?page="+strconv.Itoa(n))
		if status != http.StatusOK || p.Total != 137 || p.Pages != 7 || len(p.Rows) == 0 || len(p.Rows) > 20 {
			t.Fatalf("page %d: status %d, %+v", n, status, p)
		}
		pages++
		for _, r := range p.Rows {
			seen = append(seen, r.Account)
		}
		if n == p.Pages {
			break
		}
	}
	var want []string
	for _, a := range w.Accounts() {
		want = append(want, a.Number)
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("pages listed %d accounts, want each of %d exactly once in order", len(seen), len(want))
	}
	if status, _ := apiPage(t, c, srv.URL+"/api/worklist?page=8"); status != http.StatusNotFound {
		t.Errorf("page past the end: status %d, want 404", status)
	}
	for _, bad := range []string{"page=x", "size=5", "size=101"} {
		if status, _ := apiPage(t, c, srv.URL+"/api/worklist?"+bad); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, status)
		}
	}
	// Page sizes and filters.
	status, p := apiPage(t, c, srv.URL+"/api/worklist?size=100")
	if status != http.StatusOK || len(p.Rows) != 100 || p.Pages != 2 {
		t.Errorf("size 100: %d rows, %d pages", len(p.Rows), p.Pages)
	}
	status, p = apiPage(t, c, srv.URL+"/api/worklist?size=100&status=coded&reason=LATECHG")
	if status != http.StatusOK || p.Total == 0 {
		t.Fatalf("filter: status %d, total %d", status, p.Total)
	}
	wantN := 0
	for _, a := range w.Accounts() {
		for _, r := range a.HoldReasons {
			if a.CodingStatus == StatusCoded && r.Code == "LATECHG" {
				wantN++
			}
		}
	}
	if p.Total != wantN {
		t.Errorf("filtered total %d, want %d", p.Total, wantN)
	}
	for _, r := range p.Rows {
		if r.Status != StatusCoded {
			t.Errorf("filtered row %s has status %s", r.Account, r.Status)
		}
	}
	// The page shell renders for any page and leaves the rows to its
	// script; the API needs a session and says so in JSON.
	if status, _, body := get(t, c, srv.URL+"/worklist?page=2"); status != http.StatusOK || !strings.Contains(body, `id="worklist-loading"`) {
		t.Errorf("worklist shell: status %d", status)
	}
	if status, _ := apiPage(t, client(t), srv.URL+"/api/worklist"); status != http.StatusUnauthorized {
		t.Errorf("API without a session: status %d, want 401", status)
	}
}

var kvRe = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td[^>]*>([^<]*)</td></tr>`)

func TestDetailShowsEveryField(t *testing.T) {
	w, srv := newPortal(t, Config{Accounts: 60})
	c := loggedIn(t, srv.URL)
	var sawQuery, sawDRG, sawDeficiency bool
	for _, a := range w.Accounts() {
		status, _, body := get(t, c, srv.URL+"/accounts/"+a.Number)
		if status != http.StatusOK {
			t.Fatalf("account %s: status %d", a.Number, status)
		}
		body = strings.ReplaceAll(body, "&amp;", "&")
		got := map[string]string{}
		for _, m := range kvRe.FindAllStringSubmatch(body, -1) {
			if _, dup := got[m[1]]; !dup { // the query table reuses no summary label
				got[m[1]] = m[2]
			}
		}
		want := map[string]string{
			"Account #": a.Number, "Encounter ID": a.EncounterID, "MRN": a.MRN,
			"Patient Name": a.PatientName, "Facility": a.Facility, "Patient Class": a.PatientClass,
			"Admit Date": a.AdmitDate.Format("01/02/2006"), "Discharge Date": a.DischargeDate.Format("01/02/2006"),
			"In Bill Hold": yesNo(a.InBillHold), "Financial Class": a.FinancialClass, "Primary Payer": a.PrimaryPayer,
			"Total Charges": money(a.TotalChargesCents), "Assigned Coder": a.AssignedCoder, "Coding Vendor": a.Vendor,
			"Coding Status": statusLabel(a.CodingStatus),
		}
		if a.DRG != "" {
			want["MS-DRG"] = a.DRG
			sawDRG = true
		}
		if a.Query != nil {
			want["Query ID"] = a.Query.ID
			want["Sent"] = a.Query.Sent.Format("Jan 2, 2006")
			want["Status"] = statusLabel(a.Query.Status)
			sawQuery = true
		}
		for label, v := range want {
			if got[label] != v {
				t.Errorf("account %s: %s = %q, want %q", a.Number, label, got[label], v)
			}
		}
		if len(a.HoldReasons) == 0 {
			t.Errorf("account %s has no hold reason", a.Number)
		}
		for _, hr := range a.HoldReasons {
			row := "<td>" + hr.Code + "</td><td>" + hr.Description + "</td><td>" + hr.OwnerRole + "</td><td>" +
				hr.Physician + "</td><td>" + hr.Note + "</td><td>" + hr.Added.Format("01/02/2006") + "</td>"
			if !strings.Contains(body, row) {
				t.Errorf("account %s: hold reason row %q missing", a.Number, row)
			}
		}
		for _, d := range a.Deficiencies {
			sawDeficiency = true
			if !strings.Contains(body, "<li>"+d+"</li>") {
				t.Errorf("account %s: deficiency %q missing", a.Number, d)
			}
		}
	}
	if !sawQuery || !sawDRG || !sawDeficiency {
		t.Errorf("60 accounts lack variety: query %v, DRG %v, deficiency %v", sawQuery, sawDRG, sawDeficiency)
	}
	if status, _, _ := get(t, c, srv.URL+"/accounts/999"); status != http.StatusNotFound {
		t.Errorf("unknown account: status %d, want 404", status)
	}
}

func TestDataIsPlausible(t *testing.T) {
	w, _ := newPortal(t, Config{Accounts: 2000})
	buckets := map[string]int{}
	for _, a := range w.Accounts() {
		switch {
		case a.InBillHold:
			buckets["window"]++
		case a.CodingStatus == StatusCoded:
			buckets["coded"]++
		default:
			buckets["uncoded"]++
		}
		if a.AdmitDate.After(a.DischargeDate) || a.DischargeDate.After(fixedNow) {
			t.Fatalf("account %s: admit %s, discharge %s", a.Number, a.AdmitDate, a.DischargeDate)
		}
		if a.DaysSinceDischarge != daysBetween(a.DischargeDate, fixedNow) || a.DaysSinceDischarge < 0 {
			t.Fatalf("account %s: days since discharge %d", a.Number, a.DaysSinceDischarge)
		}
		if (a.DRG != "") != (a.CodingStatus == StatusCoded && a.PatientClass == "IP") {
			t.Fatalf("account %s: DRG %q for %s %s", a.Number, a.DRG, a.PatientClass, a.CodingStatus)
		}
		if a.TotalChargesCents <= 0 {
			t.Fatalf("account %s: charges %d", a.Number, a.TotalChargesCents)
		}
	}
	for _, b := range []string{"window", "coded", "uncoded"} {
		if buckets[b] < 300 {
			t.Errorf("bucket %s has %d of 2000 accounts: %v", b, buckets[b], buckets)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := newPortal(t, Config{Seed: 42, Accounts: 300})
	b, _ := newPortal(t, Config{Seed: 42, Accounts: 300})
	c, _ := newPortal(t, Config{Seed: 43, Accounts: 300})
	if !reflect.DeepEqual(a.Accounts(), b.Accounts()) {
		t.Error("same seed and clock gave different accounts")
	}
	if reflect.DeepEqual(a.Accounts(), c.Accounts()) {
		t.Error("different seeds gave the same accounts")
	}
}

func TestAccountsAgeWithClock(t *testing.T) {
	var now atomic.Int64
	now.Store(fixedNow.UnixNano())
	w, _ := newPortal(t, Config{Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }})
	before := w.Accounts()
	now.Add(int64(72 * time.Hour))
	after := w.Accounts()
	for i := range before {
		if after[i].DaysSinceDischarge != before[i].DaysSinceDischarge+3 || !after[i].DischargeDate.Equal(before[i].DischargeDate) {
			t.Fatalf("account %s: %d days then %d three days later", before[i].Number, before[i].DaysSinceDischarge, after[i].DaysSinceDischarge)
		}
	}
}

func TestAccountsReturnsCopies(t *testing.T) {
	w, _ := newPortal(t, Config{Accounts: 10})
	got := w.Accounts()
	got[0].HoldReasons[0].Code = "CHANGED"
	if w.Accounts()[0].HoldReasons[0].Code == "CHANGED" {
		t.Error("changing Accounts' result changed the portal")
	}
}

func TestLatency(t *testing.T) {
	w, srv := newPortal(t, Config{Latency: 80 * time.Millisecond})
	start := time.Now()
	get(t, client(t), srv.URL+"/login")
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("request took %s with 80ms latency", d)
	}
	if err := w.SetLatency(0); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	get(t, client(t), srv.URL+"/login")
	if d := time.Since(start); d >= 80*time.Millisecond {
		t.Errorf("request took %s after latency was removed", d)
	}
	if err := w.SetLatency(-time.Second); err == nil {
		t.Error("negative latency accepted")
	}
}

func TestFailRate(t *testing.T) {
	w, srv := newPortal(t, Config{FailRate: 1})
	status, h, body := get(t, client(t), srv.URL+"/login")
	if status < 500 || h.Get("Retry-After") == "" || !strings.Contains(body, `id="server-error"`) {
		t.Fatalf("fail rate 1: status %d, Retry-After %q", status, h.Get("Retry-After"))
	}
	if status, _, _ := get(t, client(t), srv.URL+"/static/portal.css"); status != http.StatusOK {
		t.Errorf("static file failed with fail rate 1: %d", status)
	}
	if err := w.SetFailRate(0.5); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for range 200 {
		if s, _, _ := get(t, client(t), srv.URL+"/login"); s >= 500 {
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Errorf("fail rate 0.5: %d of 200 failed", failed)
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if err := w.SetFailRate(bad); err == nil {
			t.Errorf("fail rate %v accepted", bad)
		}
	}
}

// TestKnobsUnderConcurrency is for the race detector: knobs change while
// requests are served.
func TestKnobsUnderConcurrency(t *testing.T) {
	w, srv := newPortal(t, Config{})
	c := loggedIn(t, srv.URL)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 25 {
				_ = w.SetFailRate(float64((i+j)%2) * 0.3)
				_ = w.SetLatency(time.Duration(j%3) * time.Millisecond)
				resp, err := c.Get(srv.URL + "/worklist")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK && resp.StatusCode < 500 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Accounts: -1}, "accounts -1 out of range"},
		{Config{Accounts: AccountsMax + 1}, "accounts 200001 out of range"},
		{Config{PageSize: 9}, "page size 9 out of range 10–100"},
		{Config{PageSize: 101}, "page size 101 out of range"},
		{Config{Latency: -1}, "latency -1ns is negative"},
		{Config{FailRate: 2}, "fail rate 2 out of range"},
		{Config{SessionTTL: -time.Second}, "session TTL is negative"},
	} {
		_, err := NewCodingWorklist(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewCodingWorklist(%+v) = %v, want error containing %q", tc.cfg, err, tc.want)
		}
	}
}

func TestScalesToTensOfThousands(t *testing.T) {
	start := time.Now()
	w, srv := newPortal(t, Config{Accounts: 50_000, PageSize: 100, RenderDelay: -1})
	// About 0.35 s plain and 5 s under the race detector on 2 cores; the
	// bound catches quadratic behaviour, not noise.
	d := time.Since(start)
	t.Logf("generating 50,000 accounts took %s", d)
	if d > 30*time.Second {
		t.Errorf("generating 50,000 accounts took %s", d)
	}
	c := loggedIn(t, srv.URL)
	status, p := apiPage(t, c, srv.URL+"/api/worklist?page=500")
	if status != http.StatusOK || len(p.Rows) != 100 || p.Total != 50_000 {
		t.Fatalf("last page of 50,000: status %d", status)
	}
	accts := w.Accounts()
	seen := make(map[string]bool, len(accts))
	for _, a := range accts {
		if seen[a.Number] {
			t.Fatalf("account number %s repeats", a.Number)
		}
		seen[a.Number] = true
	}
}

func TestMoneyFormat(t *testing.T) {
	for cents, want := range map[int64]string{0: "$0.00", 5: "$0.05", 123456: "$1,234.56", 1234567: "$12,345.67", 100000000: "$1,000,000.00", -1999: "-$19.99"} {
		if got := money(cents); got != want {
			t.Errorf("money(%d) = %q, want %q", cents, got, want)
		}
	}
}
