package portalsim

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSecondFactor(t *testing.T) {
	secret := NewTOTPSecret(3)
	w, srv := newPortal(t, Config{TOTPSecret: secret})
	if w.TOTPSecret() != secret || NewTOTPSecret(3) != secret || NewTOTPSecret(4) == secret {
		t.Fatal("TOTP secrets are not deterministic per seed")
	}
	c := client(t)
	resp := login(t, c, srv.URL, UsernameDefault, PasswordDefault)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login/otp?next=") {
		t.Fatalf("password step: %d to %q, want the second factor", resp.StatusCode, loc)
	}
	// Password alone is not a session.
	if status, h, _ := get(t, c, srv.URL+"/worklist"); status != http.StatusFound || !strings.HasPrefix(h.Get("Location"), "/login/otp") {
		t.Errorf("worklist before the second factor: %d to %q", status, h.Get("Location"))
	}
	if status, _, body := get(t, c, srv.URL+"/login/otp?next=/worklist"); status != http.StatusOK || !strings.Contains(body, `id="otp-code"`) {
		t.Fatalf("second factor form: %d", status)
	}
	bad, err := c.PostForm(srv.URL+"/login/otp", url.Values{"code": {"000000"}, "next": {"/worklist"}})
	if err != nil {
		t.Fatal(err)
	}
	bad.Body.Close()
	if bad.StatusCode != http.StatusOK {
		t.Errorf("wrong code: status %d, want the form again", bad.StatusCode)
	}
	code, err := TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ok, err := c.PostForm(srv.URL+"/login/otp", url.Values{"code": {code}, "next": {"/worklist"}})
	if err != nil {
		t.Fatal(err)
	}
	ok.Body.Close()
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/worklist" {
		t.Fatalf("right code: %d to %q", ok.StatusCode, ok.Header.Get("Location"))
	}
	if status, _, _ := get(t, c, srv.URL+"/worklist"); status != http.StatusOK {
		t.Errorf("worklist after both factors: %d", status)
	}
	if _, err := NewCodingWorklist(Config{TOTPSecret: "not base32!"}); err == nil {
		t.Error("bad TOTP secret accepted")
	}
}

func TestExpireSessions(t *testing.T) {
	w, srv := newPortal(t, Config{})
	c := loggedIn(t, srv.URL)
	if n := w.ExpireSessions(); n != 1 {
		t.Fatalf("ExpireSessions = %d, want 1", n)
	}
	status, h, _ := get(t, c, srv.URL+"/accounts/"+w.Accounts()[0].Number)
	if status != http.StatusFound || !strings.Contains(h.Get("Location"), "expired=1") {
		t.Errorf("after expiry: %d to %q", status, h.Get("Location"))
	}
	if status, _ := apiPage(t, c, srv.URL+"/api/worklist"); status != http.StatusUnauthorized {
		t.Errorf("API after expiry: %d, want 401", status)
	}
}

func TestMaintenanceMode(t *testing.T) {
	w, srv := newPortal(t, Config{Maintenance: true})
	status, h, body := get(t, client(t), srv.URL+"/login")
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(body, `id="maintenance"`) {
		t.Fatalf("maintenance: %d", status)
	}
	w.SetMaintenance(false)
	if status, _, _ := get(t, client(t), srv.URL+"/login"); status != http.StatusOK {
		t.Errorf("after maintenance: %d", status)
	}
}

var v2FieldRe = regexp.MustCompile(`<div class="field"><dt>([^<]+)</dt><dd>([^<]*)</dd></div>`)

func TestLayoutV2SameData(t *testing.T) {
	w, srv := newPortal(t, Config{Accounts: 20, Layout: LayoutV2})
	c := loggedIn(t, srv.URL)
	a := w.Accounts()[3]
	_, _, body := get(t, c, srv.URL+"/accounts/"+a.Number)
	got := map[string]string{}
	for _, m := range v2FieldRe.FindAllStringSubmatch(strings.ReplaceAll(body, "&amp;", "&"), -1) {
		got[m[1]] = m[2]
	}
	for label, v := range map[string]string{
		"Account Number": a.Number, "Medical Record #": a.MRN, "Discharged": a.DischargeDate.Format("2006-01-02"),
		"Charges": money(a.TotalChargesCents), "Queue": a.Queue, "Attending Provider NPI": a.AttendingNPI,
	} {
		if got[label] != v {
			t.Errorf("v2 %s = %q, want %q", label, got[label], v)
		}
	}
	if strings.Contains(body, `id="account-summary"`) || !strings.Contains(body, `id="holdGrid"`) || !strings.Contains(body, "Cerulean HIM 12.") {
		t.Error("v2 page still has v1 markup")
	}
	if err := w.SetLayout(LayoutV1); err != nil || w.Layout() != LayoutV1 {
		t.Fatal(err)
	}
	if _, _, body := get(t, c, srv.URL+"/accounts/"+a.Number); !strings.Contains(body, `id="account-summary"`) {
		t.Error("SetLayout(v1) did not switch the markup")
	}
	if err := w.SetLayout("v3"); err == nil {
		t.Error("unknown layout accepted")
	}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

func TestAccountActions(t *testing.T) {
	w, srv := newPortal(t, Config{Accounts: 10})
	c := loggedIn(t, srv.URL)
	a := w.Accounts()[0]
	_, _, body := get(t, c, srv.URL+"/accounts/"+a.Number)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("detail page has no form token")
	}
	post := func(path string, v url.Values) int {
		t.Helper()
		resp, err := c.PostForm(srv.URL+"/accounts/"+a.Number+path, v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post("/notes", url.Values{"note": {"x"}}); s != http.StatusForbidden {
		t.Errorf("note without a token: %d, want 403", s)
	}
	if s := post("/notes", url.Values{"note": {"Queried attending re: sepsis"}, CSRFField: {m[1]}}); s != http.StatusSeeOther {
		t.Errorf("add note: %d", s)
	}
	if s := post("/route", url.Values{"queue": {QueueCDI}, CSRFField: {m[1]}}); s != http.StatusSeeOther {
		t.Errorf("route: %d", s)
	}
	if s := post("/route", url.Values{"queue": {"Nowhere"}, CSRFField: {m[1]}}); s != http.StatusUnprocessableEntity {
		t.Errorf("route to an unknown queue: %d", s)
	}
	code := a.HoldReasons[0].Code
	if s := post("/release", url.Values{"reason": {code}, CSRFField: {m[1]}}); s != http.StatusSeeOther {
		t.Errorf("release: %d", s)
	}
	if s := post("/release", url.Values{"reason": {code}, CSRFField: {m[1]}}); s != http.StatusUnprocessableEntity {
		t.Errorf("release twice: %d", s)
	}
	got, _ := w.Account(a.Number)
	if len(got.Notes) != 1 || got.Notes[0].Text != "Queried attending re: sepsis" || got.Queue != QueueCDI || len(got.HoldReasons) != len(a.HoldReasons)-1 {
		t.Errorf("after actions: notes %v, queue %q, %d holds", got.Notes, got.Queue, len(got.HoldReasons))
	}
	if acts := w.Actions(); len(acts) != 3 || acts[0].Kind != ActionAddNote || acts[1].Kind != ActionRoute || acts[2].Value != code {
		t.Errorf("actions %+v", acts)
	}
	_, _, body = get(t, c, srv.URL+"/accounts/"+a.Number+"?done="+ActionAddNote)
	if !strings.Contains(body, "Queried attending re: sepsis") || !strings.Contains(body, "Note added.") {
		t.Error("detail page does not show the note")
	}
}

func TestMalformedAccounts(t *testing.T) {
	w, srv := newPortal(t, Config{Accounts: 12, Malformed: 6})
	c := loggedIn(t, srv.URL)
	bad := w.MalformedAccounts()
	if len(bad) != 6 {
		t.Fatalf("%d malformed accounts, want 6", len(bad))
	}
	for acct, kind := range bad {
		_, _, body := get(t, c, srv.URL+"/accounts/"+acct)
		switch kind {
		case MalformedHugeNote:
			if len(body) < HugeNoteSize {
				t.Errorf("huge note page is %d bytes", len(body))
			}
		case MalformedMarkup:
			if !strings.Contains(body, "&lt;script&gt;") || strings.Contains(body, "<script>alert") {
				t.Error("markup is not shown escaped as text")
			}
		case MalformedMissingFields:
			if strings.Contains(body, "Discharge Date") {
				t.Error("missing field still shown")
			}
		}
	}
	if _, err := NewCodingWorklist(Config{Accounts: 5, Malformed: 6}); err == nil {
		t.Error("more malformed than accounts accepted")
	}
}

func TestNPIsAreValid(t *testing.T) {
	w, _ := newPortal(t, Config{Accounts: 200})
	for _, a := range w.Accounts() {
		if len(a.AttendingNPI) != 10 || npiCheckDigit(a.AttendingNPI[:9]) != a.AttendingNPI[9]-'0' {
			t.Fatalf("account %s: NPI %s has a bad check digit", a.Number, a.AttendingNPI)
		}
	}
	if npiCheckDigit("123456789") != 3 {
		t.Error("check digit of the CMS example 1234567893")
	}
}
