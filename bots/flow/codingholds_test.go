package flow

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/bottest"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

var portalNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// memRecorder keeps what a run reports.
type memRecorder = bottest.Recorder

type fixture struct {
	portal *portalsim.CodingWorklist
	srv    *httptest.Server
	target bots.Target
}

// newFixture serves a portal, optionally through wrap (to break pages
// on purpose).
func newFixture(t *testing.T, cfg portalsim.Config, wrap func(http.Handler) http.Handler) fixture {
	t.Helper()
	cfg.Now = func() time.Time { return portalNow }
	if cfg.TOTPSecret == "" {
		cfg.TOTPSecret = portalsim.NewTOTPSecret(cfg.Seed)
	}
	p, err := portalsim.NewCodingWorklist(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = p
	if wrap != nil {
		h = wrap(p)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	user, pass := p.Credentials()
	return fixture{portal: p, srv: srv, target: bots.Target{
		Portal: "coding-worklist", BaseURL: srv.URL, Username: user, Password: pass, TOTPSecret: p.TOTPSecret(),
	}}
}

func session(t *testing.T, target bots.Target, stepTimeout time.Duration) *bots.Session {
	t.Helper()
	s, err := testPool.Session(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	if stepTimeout > 0 {
		s.StepTimeout = stepTimeout
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// The coding-holds flow's element and field group names, as the ported
// tests of the hand-written bot name them.
const (
	Kind              = "coding-holds"
	elLoginUsername   = "login_username"
	elWorklistRows    = "worklist_rows"
	elRowLink         = "row_link"
	elNextPage        = "next_page"
	elDetailFieldRows = "detail_field_rows"
	groupDetail       = "detail"
)

// codingPack returns the built-in coding-worklist pack, with its layouts
// replaced by files when any are given.
func codingPack(t *testing.T, files ...*selectors.File) *Pack {
	t.Helper()
	ps, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p := *ps["coding-worklist"]
	if len(files) > 0 {
		p.Layouts = files
	}
	return &p
}

// newBot returns the coding-holds flow bot for the given selector files,
// by default every layout of the built-in pack. Retries back off briefly
// so fault tests stay fast; lists are read at the portal's own page size,
// as the tests count pages.
func newBot(t *testing.T, files ...*selectors.File) *Bot {
	t.Helper()
	b, err := New(Config{Pack: codingPack(t, files...), Flow: "coding-holds", Backoff: 5 * time.Millisecond, PageSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runBot(t *testing.T, b bots.Bot, target bots.Target, stepTimeout time.Duration) (*memRecorder, error) {
	t.Helper()
	rec := &memRecorder{}
	start := time.Now()
	err := b.Run(context.Background(), session(t, target, stepTimeout), rec)
	t.Logf("run took %s: %d observations, %d pages", time.Since(start), len(rec.Obs), rec.Pages)
	return rec, err
}

// want converts the portal's ground truth to what the bot must report.
func want(a portalsim.Account) orchestrator.CodingHold {
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	h := orchestrator.CodingHold{
		AccountNumber: a.Number, EncounterID: a.EncounterID, MRN: a.MRN, PatientName: a.PatientName,
		Facility: a.Facility, PatientClass: a.PatientClass, AdmitDate: day(a.AdmitDate), DischargeDate: day(a.DischargeDate),
		DaysSinceDischarge: a.DaysSinceDischarge, InBillHold: a.InBillHold, FinancialClass: a.FinancialClass,
		PrimaryPayer: a.PrimaryPayer, TotalChargesCents: a.TotalChargesCents, AssignedCoder: a.AssignedCoder,
		Vendor: a.Vendor, CodingStatus: a.CodingStatus, DRG: a.DRG, Deficiencies: a.Deficiencies,
		HoldReasons: []orchestrator.HoldReason{},
	}
	for _, r := range a.HoldReasons {
		h.HoldReasons = append(h.HoldReasons, orchestrator.HoldReason{
			Code: r.Code, Description: r.Description, OwnerRole: r.OwnerRole, Physician: r.Physician, Note: r.Note, AddedAt: day(r.Added),
		})
	}
	if a.Query != nil {
		h.Query = &orchestrator.Query{ID: a.Query.ID, SentAt: day(a.Query.Sent), Status: a.Query.Status}
	}
	return h
}

func TestReadsEveryAccount(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Seed: 7, Accounts: 60, PageSize: 25}, nil)
	b := newBot(t)
	rec, err := runBot(t, b, fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	truth := fx.portal.Accounts()
	if len(rec.Obs) != len(truth) {
		t.Fatalf("observed %d accounts, portal has %d", len(rec.Obs), len(truth))
	}
	dom := rec.Captures(orchestrator.EvidenceDOM)
	for i, a := range truth {
		o := rec.Obs[i]
		if o.Portal != "coding-worklist" || o.ExternalID != a.Number || o.Kind != orchestrator.KindCodingHold || o.Queue != orchestrator.QueueCoding {
			t.Errorf("observation %d: %s/%s %s in %s", i, o.Portal, o.ExternalID, o.Kind, o.Queue)
		}
		got, ok := o.Data.(orchestrator.CodingHold)
		if !ok {
			t.Fatalf("observation %d data is %T", i, o.Data)
		}
		if w := want(a); !reflect.DeepEqual(got, w) {
			t.Errorf("account %s:\n got %+v\nwant %+v", a.Number, got, w)
		}
	}
	// Evidence: one DOM snapshot per account, tied to its observation,
	// and one screenshot per list page.
	if len(dom) != len(truth) {
		t.Errorf("%d DOM snapshots for %d accounts", len(dom), len(truth))
	}
	for _, o := range rec.Obs {
		c := rec.Evidence[o.EvidenceID-1]
		if c.Kind != orchestrator.EvidenceDOM || c.ItemRef != o.ExternalID || c.MediaType != "text/html" ||
			!bytes.Contains(c.Content, []byte(o.ExternalID)) || !strings.HasSuffix(c.URL, "/accounts/"+o.ExternalID) ||
			c.Bot != Kind || LayoutOf(c.SelectorVersion) != "v1" {
			t.Errorf("evidence for %s: %s %s ref %q url %s", o.ExternalID, c.Kind, c.MediaType, c.ItemRef, c.URL)
		}
	}
	shots := rec.Captures(orchestrator.EvidenceScreenshot)
	if len(shots) != 3 || rec.Pages != 3 {
		t.Fatalf("%d screenshots and %d pages read, want 3 each", len(shots), rec.Pages)
	}
	for i, c := range shots {
		if c.MediaType != "image/png" || !bytes.HasPrefix(c.Content, []byte("\x89PNG")) || c.ItemRef != "" ||
			c.Bot != Kind || LayoutOf(c.SelectorVersion) != "v1" || !strings.Contains(c.URL, "/worklist") {
			t.Errorf("screenshot %d: %s, ref %q, url %s, version %q", i, c.MediaType, c.ItemRef, c.URL, c.SelectorVersion)
		}
	}

	// A second run reads the same thing.
	rec2, err := runBot(t, b, fx.target, 0)
	if err != nil {
		t.Fatalf("second Run: %v", err)
	}
	if len(rec2.Obs) != len(rec.Obs) {
		t.Fatalf("second run observed %d, first %d", len(rec2.Obs), len(rec.Obs))
	}
	for i := range rec.Obs {
		a, b := rec.Obs[i], rec2.Obs[i]
		a.EvidenceID, b.EvidenceID = 0, 0
		if !reflect.DeepEqual(a, b) {
			t.Errorf("observation %d differs between runs", i)
		}
	}
}

// replaceElement returns a copy of the embedded file with one element's
// candidates replaced.
func replaceElement(t *testing.T, name string, css ...string) *selectors.File {
	t.Helper()
	orig, err := packs.Layout("coding-worklist", "v1")
	if err != nil {
		t.Fatal(err)
	}
	f := *orig
	f.Elements = map[string]selectors.Element{}
	for k, v := range orig.Elements {
		f.Elements[k] = v
	}
	e := f.Elements[name]
	e.Candidates = nil
	for _, c := range css {
		e.Candidates = append(e.Candidates, selectors.Candidate{Strategy: selectors.CSS, Value: c})
	}
	f.Elements[name] = e
	return &f
}

func TestSelectorMiss(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Accounts: 30}, nil)
	for _, tc := range []struct {
		element string
		step    time.Duration
	}{
		{elWorklistRows, 3 * time.Second},  // waited for after the spinner
		{elLoginUsername, 3 * time.Second}, // waited for until the step deadline
		{elDetailFieldRows, 0},             // read inside fetched detail pages
	} {
		t.Run(tc.element, func(t *testing.T) {
			b := newBot(t, replaceElement(t, tc.element, ".renamed-in-v2", "#also-gone"))
			rec, err := runBot(t, b, fx.target, tc.step)
			var miss *bots.SelectorMissError
			if !errors.As(err, &miss) {
				t.Fatalf("Run = %v, want *bots.SelectorMissError", err)
			}
			if miss.Element != tc.element || miss.Portal != "coding-worklist" || miss.Version != "v1" ||
				!reflect.DeepEqual(miss.Tried, []string{"css: .renamed-in-v2", "css: #also-gone"}) {
				t.Errorf("miss = %+v", miss)
			}
			shots := rec.Captures(orchestrator.EvidenceScreenshot)
			if len(shots) == 0 || miss.Evidence != int64(len(rec.Evidence)) || !bytes.HasPrefix(miss.Screenshot, []byte("\x89PNG")) {
				t.Errorf("the miss carries evidence %d and %d bytes; %d screenshots", miss.Evidence, len(miss.Screenshot), len(shots))
			}
			if !strings.Contains(err.Error(), "selector broken") {
				t.Errorf("error %q does not say the selector broke", err)
			}
			if got, ok := rec.Selector[tc.element]; !ok || got != -1 {
				t.Errorf("selector use for %s = %d, %v; want -1", tc.element, got, ok)
			}
			if len(rec.Obs) != 0 {
				t.Errorf("%d observations despite the miss", len(rec.Obs))
			}
		})
	}
}

func TestPortalUnavailable(t *testing.T) {
	t.Run("at start", func(t *testing.T) {
		fx := newFixture(t, portalsim.Config{Accounts: 20, FailRate: 1}, nil)
		rec, err := runBot(t, newBot(t), fx.target, 0)
		if !errors.Is(err, bots.ErrPortalUnavailable) || !strings.Contains(err.Error(), "HTTP 5") {
			t.Fatalf("Run = %v, want ErrPortalUnavailable with HTTP 5xx", err)
		}
		if len(rec.Captures(orchestrator.EvidenceScreenshot)) != 1 {
			t.Error("want one screenshot of the failure")
		}
	})
	t.Run("mid-run", func(t *testing.T) {
		// Every request fails from the moment the worklist's rows were
		// served: the account pages never answer.
		var fx fixture
		fx = newFixture(t, portalsim.Config{Accounts: 20}, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.ServeHTTP(w, r)
				if r.URL.Path == "/api/worklist" {
					_ = fx.portal.SetFailRate(1)
				}
			})
		})
		rec := &memRecorder{}
		err := newBot(t).Run(context.Background(), session(t, fx.target, 0), rec)
		if !errors.Is(err, bots.ErrPortalUnavailable) {
			t.Fatalf("Run = %v, want ErrPortalUnavailable", err)
		}
		if len(rec.Obs) != 0 {
			t.Errorf("%d observations from 5xx pages", len(rec.Obs))
		}
	})
}

func TestLoginRejected(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Accounts: 10}, nil)
	for name, change := range map[string]func(*bots.Target){
		"password":      func(tg *bots.Target) { tg.Password = "s3cret-Wrong-pw" },
		"second factor": func(tg *bots.Target) { tg.TOTPSecret = portalsim.NewTOTPSecret(99) },
		"no secret":     func(tg *bots.Target) { tg.TOTPSecret = "" },
	} {
		t.Run(name, func(t *testing.T) {
			target := fx.target
			change(&target)
			rec, err := runBot(t, newBot(t), target, 0)
			if !errors.Is(err, bots.ErrLoginRejected) {
				t.Fatalf("Run = %v, want ErrLoginRejected", err)
			}
			for _, secret := range []string{target.Password, target.Username, fx.target.TOTPSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains a credential", err)
				}
			}
			if len(rec.Captures(orchestrator.EvidenceScreenshot)) != 1 {
				t.Error("want one screenshot of the rejected login")
			}
		})
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Accounts: 200, Latency: 30 * time.Millisecond}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled time.Time
	rec := &memRecorder{OnPage: func(int) { cancelled = time.Now(); cancel() }}
	err := newBot(t).Run(ctx, session(t, fx.target, 0), rec)
	took := time.Since(cancelled)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if took > 3*time.Second {
		t.Errorf("Run returned %s after cancellation", took)
	}
	if rec.Pages != 1 {
		t.Errorf("read %d pages after cancelling on the first", rec.Pages)
	}
}

func TestNewAndLintValidate(t *testing.T) {
	good, err := packs.Layout("coding-worklist", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{}); err == nil {
		t.Error("no pack accepted")
	}
	if _, err := New(Config{Pack: codingPack(t), Flow: "coding-holds", BatchSize: BatchSizeMax + 1}); err == nil {
		t.Error("oversized batch accepted")
	}
	if _, err := New(Config{Pack: codingPack(t), Flow: "no-such-flow"}); err == nil {
		t.Error("unknown flow accepted")
	}
	noNext := *good
	noNext.Elements = map[string]selectors.Element{}
	for k, v := range good.Elements {
		if k != elNextPage {
			noNext.Elements[k] = v
		}
	}
	lintHas(t, Lint(codingPack(t, &noNext)), "coding-holds.yaml", `step 4 (read_list): element "next_page" is not in layout v1`)
	badName := *good
	badName.Fields = map[string][]selectors.Field{}
	for k, v := range good.Fields {
		badName.Fields[k] = v
	}
	badName.Fields[groupDetail] = append(append([]selectors.Field(nil), good.Fields[groupDetail]...),
		selectors.Field{Label: "Room", Name: "room_number", Parser: selectors.ParseAsText})
	lintHas(t, Lint(codingPack(t, &badName)), "coding-holds.yaml", "room_number")
	noMarker := *good
	noMarker.Marker = ""
	v2, _ := packs.Layout("coding-worklist", "v2")
	lintHas(t, Lint(codingPack(t, v2, &noMarker)), "v1.yaml", "no marker element")
	if f := Lint(codingPack(t)); len(f) != 0 {
		t.Errorf("the built-in pack has findings: %v", f)
	}
	b, err := New(Config{Pack: codingPack(t), Flow: "coding-holds"})
	if err != nil || b.Kind() != "coding-holds" {
		t.Errorf("New(good) = %v, %v", b, err)
	}
}

// lintHas fails unless one finding names file and says want.
func lintHas(t *testing.T, findings []Finding, file, want string) {
	t.Helper()
	for _, f := range findings {
		if strings.Contains(f.File, file) && strings.Contains(f.String(), want) {
			return
		}
	}
	t.Errorf("no finding in %s saying %q: %v", file, want, findings)
}
