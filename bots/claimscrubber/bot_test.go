package claimscrubber

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/bottest"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

var portalNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// memRecorder keeps what a run reports.
type memRecorder = bottest.Recorder

type fixture struct {
	portal *portalsim.ClaimScrubber
	target bots.Target
}

// newFixture serves a scrubber, optionally through wrap (to break pages
// on purpose).
func newFixture(t *testing.T, cfg portalsim.ScrubberConfig, wrap func(http.Handler) http.Handler) fixture {
	t.Helper()
	cfg.Now = func() time.Time { return portalNow }
	p, err := portalsim.NewClaimScrubber(cfg)
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
	return fixture{portal: p, target: bots.Target{Portal: "claim-scrubber", BaseURL: srv.URL, Username: user, Password: pass}}
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

func newBot(t *testing.T, version string) *Bot {
	t.Helper()
	f, err := selectors.LoadVersion("claim-scrubber", version)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Selectors: f, RetryDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runBot(t *testing.T, b *Bot, target bots.Target, rec *memRecorder, stepTimeout time.Duration) error {
	t.Helper()
	start := time.Now()
	err := b.Run(context.Background(), session(t, target, stepTimeout), rec)
	t.Logf("run took %s: %d observations, %d pages, %d captures", time.Since(start), len(rec.Obs), rec.Pages, len(rec.Evidence))
	return err
}

// want converts the portal's ground truth to what the bot must report.
func want(c portalsim.Claim, e portalsim.Edit) orchestrator.ClaimEdit {
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	ce := orchestrator.ClaimEdit{
		ClaimID: c.ID, ControlNumber: c.ControlNumber, EditID: e.ID, AccountNumber: c.AccountNumber, Payer: c.Payer,
		BillType: c.BillType, ServiceFrom: day(c.ServiceFrom), ServiceTo: day(c.ServiceTo),
		Source: e.Source, Category: e.Category, EditCode: e.Code, Message: e.Message, Severity: e.Severity,
		LineNumber: e.Line, Code: e.ProcedureCode, Modifiers: e.Modifiers, Units: e.Units, Diagnoses: e.Diagnoses,
		Column1Code: e.Column1, Column2Code: e.Column2, ModifierIndicator: e.ModifierIndicator,
		MUEUnits: e.MUEUnits, MUEAdjudicationIndicator: e.MUEIndicator,
		OwnerTeam: e.Owner, FirstSeen: day(e.FirstSeen), AgeDays: e.AgeDays, FilingDeadline: day(c.FilingDeadline),
	}
	if e.Status == portalsim.EditCorrected {
		ce.Resolution = orchestrator.ResolutionCorrected
	}
	return ce
}

// truth lists the portal's edits by external id, in list order.
func truth(p *portalsim.ClaimScrubber) (keys []string, edits map[string]orchestrator.ClaimEdit) {
	edits = map[string]orchestrator.ClaimEdit{}
	for _, c := range p.Claims() {
		for _, e := range c.Edits {
			k := e.ExternalID(c.ID)
			keys = append(keys, k)
			edits[k] = want(c, e)
		}
	}
	return keys, edits
}

// checkAgainstTruth compares observations with the ground truth field by
// field; problems lists the external ids expected to carry problems.
func checkAgainstTruth(t *testing.T, rec *memRecorder, p *portalsim.ClaimScrubber, problems map[string]bool) {
	t.Helper()
	keys, edits := truth(p)
	if len(rec.Obs) != len(keys) {
		t.Errorf("observed %d edits, portal has %d", len(rec.Obs), len(keys))
	}
	seen := map[string]bool{}
	for _, o := range rec.Obs {
		if seen[o.ExternalID] {
			t.Errorf("edit %s observed twice", o.ExternalID)
		}
		seen[o.ExternalID] = true
		w, ok := edits[o.ExternalID]
		if !ok {
			t.Errorf("observed unknown edit %s", o.ExternalID)
			continue
		}
		got, ok := o.Data.(orchestrator.ClaimEdit)
		if !ok {
			t.Fatalf("edit %s data is %T", o.ExternalID, o.Data)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("edit %s:\n got %+v\nwant %+v", o.ExternalID, got, w)
		}
		if o.Portal != "claim-scrubber" || o.Kind != orchestrator.KindClaimEdit || o.Queue != QueueFor(w.OwnerTeam) || o.EvidenceID == 0 {
			t.Errorf("edit %s: %s %s in %s, evidence %d", o.ExternalID, o.Portal, o.Kind, o.Queue, o.EvidenceID)
		}
		if (len(o.Problems) > 0) != problems[o.ExternalID] {
			t.Errorf("edit %s: problems %v", o.ExternalID, o.Problems)
		}
	}
}

func TestReadsEveryEdit(t *testing.T) {
	for _, layout := range []string{portalsim.LayoutV1, portalsim.LayoutV2} {
		t.Run(layout, func(t *testing.T) {
			fx := newFixture(t, portalsim.ScrubberConfig{Seed: 8, Claims: 30, PageSize: 5, Layout: layout}, nil)
			// The data must page both lists: batches and a batch's claims.
			batches := fx.portal.Batches()
			size := fx.portal.PageSize()
			if len(batches) <= size || !slices.ContainsFunc(batches, func(b portalsim.Batch) bool { return b.Claims > size }) {
				t.Fatalf("%d batches of at most %d claims do not page both lists", len(batches), size)
			}
			// Read with this layout's file only.
			rec := &memRecorder{}
			if err := runBot(t, newBot(t, layout), fx.target, rec, 0); err != nil {
				t.Fatalf("Run: %v", err)
			}
			checkAgainstTruth(t, rec, fx.portal, nil)

			claims := fx.portal.Claims()
			dom := rec.Captures(orchestrator.EvidenceDOM)
			if len(dom) != len(claims) {
				t.Errorf("%d DOM snapshots for %d claims", len(dom), len(claims))
			}
			for _, o := range rec.Obs {
				c := rec.Evidence[o.EvidenceID-1]
				claimID, _, _ := strings.Cut(o.ExternalID, ":")
				if c.Kind != orchestrator.EvidenceDOM || c.ItemRef != claimID || !strings.HasSuffix(c.URL, "/claims/"+claimID) ||
					!bytes.Contains(c.Content, []byte(claimID)) || c.SelectorVersion != layout || c.Bot != Kind {
					t.Errorf("evidence of %s: %s ref %q url %s version %s", o.ExternalID, c.Kind, c.ItemRef, c.URL, c.SelectorVersion)
				}
			}
			// One screenshot per list page: the batch list and every
			// batch's claim list.
			listPages := (len(batches) + size - 1) / size
			for _, b := range batches {
				listPages += (b.Claims + size - 1) / size
			}
			shots := rec.Captures(orchestrator.EvidenceScreenshot)
			if len(shots) != listPages || rec.Pages != listPages {
				t.Errorf("%d screenshots and %d pages read, want %d each", len(shots), rec.Pages, listPages)
			}
			for _, s := range shots {
				if !bytes.HasPrefix(s.Content, []byte("\x89PNG")) || !strings.Contains(s.URL, "/batches") {
					t.Errorf("screenshot of %s is not a PNG of a list page", s.URL)
				}
			}
			csvs := rec.Captures(orchestrator.EvidenceExport)
			if len(csvs) != 1 || csvs[0].MediaType != "text/csv" || !bytes.HasPrefix(csvs[0].Content, []byte("Claim ID,")) {
				t.Errorf("export evidence: %d captures", len(csvs))
			}
			for el, i := range rec.Selector {
				if i != 0 && el != elListEmpty {
					t.Errorf("selector %s: candidate %d used, want the first", el, i)
				}
			}
		})
	}
}

func TestOtherLayoutsFileMisses(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10, Layout: portalsim.LayoutV2}, nil)
	f, err := selectors.LoadVersion("claim-scrubber", "v1")
	if err != nil {
		t.Fatal(err)
	}
	// The v1 file's login selectors have fallbacks that still match v2;
	// its tables do not.
	b, err := New(Config{Selectors: f})
	if err != nil {
		t.Fatal(err)
	}
	rec := &memRecorder{}
	err = runBot(t, b, fx.target, rec, 2*time.Second)
	var miss *bots.SelectorMissError
	if !errors.As(err, &miss) || miss.Portal != "claim-scrubber" {
		t.Fatalf("Run = %v, want *bots.SelectorMissError", err)
	}
	if len(rec.Captures(orchestrator.EvidenceScreenshot)) == 0 {
		t.Error("no screenshot at the miss")
	}
	if len(rec.Obs) != 0 {
		t.Errorf("%d observations despite the miss", len(rec.Obs))
	}
}

// rewrite serves the portal through a filter that rewrites one claim
// page's HTML.
func rewrite(path string, edit func(string) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				next.ServeHTTP(w, r)
				return
			}
			rw := httptest.NewRecorder()
			next.ServeHTTP(rw, r)
			for k, v := range rw.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rw.Code)
			_, _ = w.Write([]byte(edit(rw.Body.String())))
		})
	}
}

func TestCrossCheckWithExport(t *testing.T) {
	cfg := portalsim.ScrubberConfig{Seed: 9, Claims: 16, PageSize: 10}
	probe, err := portalsim.NewClaimScrubber(portalsim.ScrubberConfig{Seed: 9, Claims: 16, PageSize: 10, Now: func() time.Time { return portalNow }})
	if err != nil {
		t.Fatal(err)
	}
	claims := probe.Claims()
	// Claim 0: the CSV disagrees on one edit's severity and leaves out
	// another edit. Claim 1: the screen lacks its first edit row (only in
	// the CSV). Claim 2: the screen shows a malformed procedure code.
	var multi portalsim.Claim
	for _, c := range claims[3:] {
		if len(c.Edits) >= 2 {
			multi = c
			break
		}
	}
	if multi.ID == "" {
		t.Fatal("no claim with two edits in the data set")
	}
	disagree, omitted := multi.Edits[0], multi.Edits[1]
	flipped := map[string]string{portalsim.SeverityHard: "SOFT", portalsim.SeveritySoft: "HARD"}[disagree.Severity]
	hidden := claims[1]
	var malformed portalsim.Claim
	var malformedEdit portalsim.Edit
	for _, c := range claims[2:] {
		if i := slices.IndexFunc(c.Edits, func(e portalsim.Edit) bool { return e.ProcedureCode != "" }); i >= 0 && c.ID != multi.ID {
			malformed, malformedEdit = c, c.Edits[i]
			break
		}
	}
	if malformed.ID == "" || malformed.ID == hidden.ID {
		t.Fatal("no suitable claim with a line-level edit")
	}

	// Claim 0 is released between the list and its page: a 404.
	vanished := claims[0]
	var mu sync.Mutex
	wrap := func(next http.Handler) http.Handler {
		gone := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/claims/"+vanished.ID {
				http.NotFound(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
		hide := rewrite("/claims/"+hidden.ID, func(body string) string {
			i := strings.Index(body, `<tr class="edit-row" data-key="`+hidden.Edits[0].ID+`">`)
			j := strings.Index(body[i:], "</tr>")
			return body[:i] + body[i+j+len("</tr>"):]
		})(gone)
		return rewrite("/claims/"+malformed.ID, func(body string) string {
			mu.Lock()
			defer mu.Unlock()
			i := strings.Index(body, `data-key="`+malformedEdit.ID+`"`)
			return body[:i] + strings.Replace(body[i:], `<td class="col-proc">`+malformedEdit.ProcedureCode+`<`, `<td class="col-proc">`+malformedEdit.ProcedureCode[:3]+`<`, 1)
		})(hide)
	}
	fx := newFixture(t, cfg, wrap)
	err = fx.portal.SetExportFaults(
		portalsim.ExportFault{ClaimID: multi.ID, EditID: disagree.ID, Column: "Severity", Value: flipped},
		portalsim.ExportFault{ClaimID: multi.ID, EditID: omitted.ID, Omit: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	rec := &memRecorder{}
	if err := runBot(t, newBot(t, "v1"), fx.target, rec, 0); err != nil {
		t.Fatalf("Run: %v", err)
	}
	wantProblems := map[string][]orchestrator.FieldProblem{
		disagree.ExternalID(multi.ID):          {{Field: "severity", Problem: problemDisagree}},
		omitted.ExternalID(multi.ID):           {{Field: "edit", Problem: problemNotInExport}},
		hidden.Edits[0].ExternalID(hidden.ID):  {{Field: "edit", Problem: problemOnlyInExport}},
		malformedEdit.ExternalID(malformed.ID): {{Field: "code", Problem: "not a valid CPT or HCPCS code"}},
	}
	for _, e := range vanished.Edits {
		wantProblems[e.ExternalID(vanished.ID)] = []orchestrator.FieldProblem{{Field: "edit", Problem: problemOnlyInExport}}
	}
	flagged := map[string]bool{}
	for k := range wantProblems {
		flagged[k] = true
	}
	// Every edit is still observed once with the portal's data: the
	// screen's value wins a disagreement, the export fills what the
	// screen could not show.
	checkAgainstTruth(t, rec, fx.portal, flagged)
	for _, o := range rec.Obs {
		if w, ok := wantProblems[o.ExternalID]; ok && !reflect.DeepEqual(o.Problems, w) {
			t.Errorf("edit %s: problems %+v, want %+v", o.ExternalID, o.Problems, w)
		}
	}
	// Export-only edits come last, with the export as their evidence.
	for _, o := range rec.Obs[len(rec.Obs)-1-len(vanished.Edits):] {
		if w := wantProblems[o.ExternalID]; len(w) != 1 || w[0].Problem != problemOnlyInExport || rec.Evidence[o.EvidenceID-1].Kind != orchestrator.EvidenceExport {
			t.Errorf("edit %s among the last observations: problems %v", o.ExternalID, o.Problems)
		}
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Seed: 3, Claims: 16, PageSize: 10, FailRate: 0.2}, nil)
	rec := &memRecorder{}
	if err := runBot(t, newBot(t, "v1"), fx.target, rec, 0); err != nil {
		t.Fatalf("Run at 20%% server errors: %v", err)
	}
	checkAgainstTruth(t, rec, fx.portal, nil)
}

func TestServerErrorsExhaustRetries(t *testing.T) {
	// From the first page on the next navigation fails; from the second
	// (a claim list) the in-page claim fetches do.
	for _, from := range []int{1, 2} {
		fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10}, nil)
		rec := &memRecorder{OnPage: func(n int) {
			if n == from {
				_ = fx.portal.SetFailRate(1)
			}
		}}
		err := runBot(t, newBot(t, "v1"), fx.target, rec, 0)
		if !errors.Is(err, bots.ErrPortalUnavailable) || !strings.Contains(err.Error(), "6 times") {
			t.Fatalf("failing from page %d: Run = %v, want bots.ErrPortalUnavailable after 6 attempts", from, err)
		}
		if len(rec.Obs) != 0 {
			t.Errorf("failing from page %d: %d observations from failed pages", from, len(rec.Obs))
		}
	}
}

func TestMaintenance(t *testing.T) {
	t.Run("at start", func(t *testing.T) {
		fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10, Maintenance: true}, nil)
		rec := &memRecorder{}
		err := runBot(t, newBot(t, "v1"), fx.target, rec, 0)
		if !errors.Is(err, bots.ErrMaintenance) {
			t.Fatalf("Run = %v, want bots.ErrMaintenance", err)
		}
		shots := rec.Captures(orchestrator.EvidenceScreenshot)
		if len(shots) != 1 || !bytes.HasPrefix(shots[0].Content, []byte("\x89PNG")) {
			t.Errorf("%d screenshots, want one of the maintenance page", len(shots))
		}
	})
	t.Run("mid-run", func(t *testing.T) {
		fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10, Layout: portalsim.LayoutV2}, nil)
		rec := &memRecorder{OnPage: func(n int) {
			if n == 2 {
				fx.portal.SetMaintenance(true)
			}
		}}
		err := runBot(t, newBot(t, "v2"), fx.target, rec, 0)
		if !errors.Is(err, bots.ErrMaintenance) {
			t.Fatalf("Run = %v, want bots.ErrMaintenance", err)
		}
		if shots := rec.Captures(orchestrator.EvidenceScreenshot); len(shots) != 3 {
			t.Errorf("%d screenshots, want 2 list pages and the maintenance page", len(shots))
		}
	})
}

func TestLoginRejected(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10}, nil)
	target := fx.target
	target.Password = "s3cret-Wrong-pw"
	rec := &memRecorder{}
	err := runBot(t, newBot(t, "v1"), target, rec, 0)
	if !errors.Is(err, bots.ErrLoginRejected) {
		t.Fatalf("Run = %v, want bots.ErrLoginRejected", err)
	}
	if strings.Contains(err.Error(), target.Password) {
		t.Errorf("error %q contains the password", err)
	}
	if len(rec.Captures(orchestrator.EvidenceScreenshot)) != 1 {
		t.Error("want one screenshot of the rejected login")
	}
}

func TestNewValidates(t *testing.T) {
	good, err := selectors.LoadVersion("claim-scrubber", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{}); err == nil {
		t.Error("no selector file accepted")
	}
	if _, err := New(Config{Selectors: good, BatchSize: BatchSizeMax + 1}); err == nil {
		t.Error("oversized batch accepted")
	}
	if _, err := New(Config{Selectors: good, Retries: -1}); err == nil {
		t.Error("negative retries accepted")
	}
	noExport := *good
	noExport.Elements = map[string]selectors.Element{}
	for k, v := range good.Elements {
		if k != elExportLink {
			noExport.Elements[k] = v
		}
	}
	if _, err := New(Config{Selectors: &noExport}); err == nil || !strings.Contains(err.Error(), elExportLink) {
		t.Errorf("file without export_link: %v", err)
	}
	badName := *good
	badName.Fields = map[string][]selectors.Field{}
	for k, v := range good.Fields {
		badName.Fields[k] = v
	}
	badName.Fields[groupEdit] = append(slices.Clone(good.Fields[groupEdit]),
		selectors.Field{Label: "Room", Name: "room_number", Parser: selectors.ParseAsText})
	if _, err := New(Config{Selectors: &badName}); err == nil || !strings.Contains(err.Error(), "room_number") {
		t.Errorf("field unknown to ClaimEdit: %v", err)
	}
	b, err := New(Config{Selectors: good})
	if err != nil || b.Kind() != "claim-scrubber" {
		t.Errorf("New(good) = %v, %v", b, err)
	}
}

func TestQueueFor(t *testing.T) {
	for owner, q := range map[string]string{
		orchestrator.OwnerCoding: orchestrator.QueueCoding, orchestrator.OwnerBilling: orchestrator.QueueBilling,
		orchestrator.OwnerRegistration: orchestrator.QueueRevenueIntegrity, orchestrator.OwnerITMasterFile: orchestrator.QueueRevenueIntegrity,
		"": orchestrator.QueueRevenueIntegrity,
	} {
		if got := QueueFor(owner); got != q {
			t.Errorf("QueueFor(%q) = %s, want %s", owner, got, q)
		}
	}
}

func TestSecondFactor(t *testing.T) {
	secret := portalsim.NewTOTPSecret(7)
	fx := newFixture(t, portalsim.ScrubberConfig{Seed: 2, Claims: 6, TOTPSecret: secret}, nil)
	t.Run("with the secret", func(t *testing.T) {
		target := fx.target
		target.TOTPSecret = secret
		rec := &memRecorder{}
		if err := runBot(t, newBot(t, "v1"), target, rec, 0); err != nil {
			t.Fatalf("Run: %v", err)
		}
		checkAgainstTruth(t, rec, fx.portal, nil)
	})
	t.Run("without", func(t *testing.T) {
		rec := &memRecorder{}
		err := runBot(t, newBot(t, "v1"), fx.target, rec, 0)
		if !errors.Is(err, bots.ErrLoginRejected) {
			t.Fatalf("Run = %v, want bots.ErrLoginRejected", err)
		}
	})
}

func TestSessionExpiresMidRun(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Seed: 4, Claims: 12, PageSize: 10}, nil)
	rec := &memRecorder{OnPage: func(n int) {
		if n == 2 || n == 3 {
			fx.portal.Auth().ExpireSessions()
		}
	}}
	if err := runBot(t, newBot(t, "v1"), fx.target, rec, 0); err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkAgainstTruth(t, rec, fx.portal, nil)

	// A portal that ends every session keeps sending the bot back.
	rec = &memRecorder{OnPage: func(int) { fx.portal.Auth().ExpireSessions() }}
	err := runBot(t, newBot(t, "v1"), fx.target, rec, 0)
	if !errors.Is(err, bots.ErrSessionLost) {
		t.Fatalf("Run = %v, want bots.ErrSessionLost", err)
	}
}

func TestBrokenExportFlagsEveryEdit(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Seed: 6, Claims: 8}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/export/edits.csv" {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<html><body>Report queued, check back later</body></html>"))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	rec := &memRecorder{}
	if err := runBot(t, newBot(t, "v1"), fx.target, rec, 0); err != nil {
		t.Fatalf("Run: %v", err)
	}
	keys, _ := truth(fx.portal)
	flagged := map[string]bool{}
	for _, k := range keys {
		flagged[k] = true
	}
	checkAgainstTruth(t, rec, fx.portal, flagged)
	for _, o := range rec.Obs {
		if !reflect.DeepEqual(o.Problems, []orchestrator.FieldProblem{{Field: "export", Problem: problemExportBroken}}) {
			t.Errorf("edit %s: problems %v", o.ExternalID, o.Problems)
		}
	}
}

// replaceElement returns a copy of a layout's file with one element's
// candidates replaced.
func replaceElement(t *testing.T, version, name string, css ...string) *selectors.File {
	t.Helper()
	orig, err := selectors.LoadVersion("claim-scrubber", version)
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

func TestSelectorMissOnClaimPage(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10}, nil)
	b, err := New(Config{Selectors: replaceElement(t, "v1", elClaimFieldRows, ".renamed-in-v3", "#also-gone")})
	if err != nil {
		t.Fatal(err)
	}
	rec := &memRecorder{}
	err = runBot(t, b, fx.target, rec, 0)
	var miss *bots.SelectorMissError
	if !errors.As(err, &miss) || miss.Element != elClaimFieldRows ||
		!reflect.DeepEqual(miss.Tried, []string{"css: .renamed-in-v3", "css: #also-gone"}) {
		t.Fatalf("Run = %v, want a miss of %s", err, elClaimFieldRows)
	}
	shots := rec.Captures(orchestrator.EvidenceScreenshot)
	if last := shots[len(shots)-1]; last.ItemRef == "" || !strings.Contains(last.URL, "/claims/"+last.ItemRef) {
		t.Errorf("failure screenshot of %s for %q, want the claim page", last.URL, last.ItemRef)
	}
	if len(rec.Obs) != 0 || rec.Selector[elClaimFieldRows] != -1 {
		t.Errorf("%d observations, selector report %d", len(rec.Obs), rec.Selector[elClaimFieldRows])
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Claims: 60, Latency: 30 * time.Millisecond}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled time.Time
	rec := &memRecorder{OnPage: func(int) { cancelled = time.Now(); cancel() }}
	err := newBot(t, "v1").Run(ctx, session(t, fx.target, 0), rec)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if took := time.Since(cancelled); took > 3*time.Second {
		t.Errorf("Run returned %s after cancellation", took)
	}
	if rec.Pages != 1 || len(rec.Obs) != 0 {
		t.Errorf("read %d pages and %d edits after cancelling on the first page", rec.Pages, len(rec.Obs))
	}
}

// With the "exceptions" evidence policy the claim lists are fetched from
// inside the page instead of opened: the same edits, through the same
// faults, and no screenshot but the one at a failure.
func TestListsFetchedWhenScreenshotsAreNotKept(t *testing.T) {
	fx := newFixture(t, portalsim.ScrubberConfig{Seed: 5, Claims: 24, PageSize: 5, FailRate: 0.2}, nil)
	rec := &memRecorder{Policy: orchestrator.EvidenceExceptions, OnPage: func(n int) {
		if n == 3 || n == 5 {
			fx.portal.Auth().ExpireSessions()
		}
	}}
	if err := runBot(t, newBot(t, "v1"), fx.target, rec, 0); err != nil {
		t.Fatalf("Run at 20%% server errors with sessions expiring: %v", err)
	}
	checkAgainstTruth(t, rec, fx.portal, nil)
	if shots := rec.Captures(orchestrator.EvidenceScreenshot); len(shots) != 0 {
		t.Errorf("%d screenshots kept under the exceptions policy, want none", len(shots))
	}
	if rec.Pages < 6 {
		t.Errorf("%d pages read, want every batch list and claim list page", rec.Pages)
	}

	fx = newFixture(t, portalsim.ScrubberConfig{Claims: 10, PageSize: 5}, nil)
	rec = &memRecorder{Policy: orchestrator.EvidenceExceptions, OnPage: func(n int) {
		if n == 2 {
			fx.portal.SetMaintenance(true)
		}
	}}
	err := runBot(t, newBot(t, "v1"), fx.target, rec, 0)
	if !errors.Is(err, bots.ErrMaintenance) {
		t.Fatalf("Run = %v, want bots.ErrMaintenance", err)
	}
	shots := rec.Captures(orchestrator.EvidenceScreenshot)
	if len(shots) != 1 || shots[0].Purpose != orchestrator.PurposeFailure || !bytes.HasPrefix(shots[0].Content, []byte("\x89PNG")) {
		t.Errorf("%d screenshots, want the maintenance page at the failure", len(shots))
	}
}

// A claim list the portal never answers (the connection drops) is retried
// like a server error and ends as the portal being unavailable, not as a
// broken selector.
func TestFetchedListWithoutAnswer(t *testing.T) {
	var drop atomic.Bool
	fx := newFixture(t, portalsim.ScrubberConfig{Claims: 10, PageSize: 5}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if drop.Load() && strings.HasPrefix(r.URL.Path, "/batches/") {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					_ = conn.Close()
				}
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	rec := &memRecorder{Policy: orchestrator.EvidenceExceptions, OnPage: func(int) { drop.Store(true) }}
	err := runBot(t, newBot(t, "v1"), fx.target, rec, 0)
	if !errors.Is(err, bots.ErrPortalUnavailable) || errors.Is(err, &bots.SelectorMissError{}) {
		t.Fatalf("Run = %v, want bots.ErrPortalUnavailable", err)
	}
	if !strings.Contains(err.Error(), "did not answer 6 times") {
		t.Errorf("Run = %v, want the attempts named", err)
	}
}
