package flow

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/monitoring"
	"github.com/docket-rpa/docket/orchestrator"
)

// checkEveryAccountOnce compares what a run observed with the portal's
// ground truth: each account exactly once, with the right data.
func checkEveryAccountOnce(t *testing.T, rec *memRecorder, truth []portalsim.Account) {
	t.Helper()
	byID := map[string]orchestrator.Observation{}
	for _, o := range rec.Obs {
		if _, dup := byID[o.ExternalID]; dup {
			t.Errorf("account %s observed twice", o.ExternalID)
		}
		byID[o.ExternalID] = o
	}
	if len(byID) != len(truth) {
		t.Errorf("observed %d accounts, portal has %d", len(byID), len(truth))
	}
	for _, a := range truth {
		o, ok := byID[a.Number]
		if !ok {
			t.Errorf("account %s lost", a.Number)
			continue
		}
		if got, w := o.Data.(orchestrator.CodingHold), want(a); !reflect.DeepEqual(got, w) {
			t.Errorf("account %s:\n got %+v\nwant %+v", a.Number, got, w)
		}
		if len(o.Problems) > 0 {
			t.Errorf("account %s: problems %v on clean data", a.Number, o.Problems)
		}
	}
}

func TestReadsLayoutV2WithItsSelectorFile(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Seed: 7, Accounts: 40, PageSize: 25, Layout: portalsim.LayoutV2}, nil)
	rec, err := runBot(t, newBot(t), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkEveryAccountOnce(t, rec, fx.portal.Accounts())
	for _, c := range rec.Evidence {
		if LayoutOf(c.SelectorVersion) != "v2" || !strings.HasSuffix(c.SelectorVersion, " pack coding-worklist@"+codingPack(t).Version[:12]) {
			t.Fatalf("evidence recorded with selector version %q, want v2", c.SelectorVersion)
		}
	}
	if rec.Selector["layout_marker"] != 0 {
		t.Errorf("layout marker candidate %d", rec.Selector["layout_marker"])
	}
	// The v1 file alone does not fit v2: the run ends as "selector broken".
	v1, err := packs.Layout("coding-worklist", "v1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = runBot(t, newBot(t, v1), fx.target, 2*time.Second)
	if !errors.Is(err, &bots.SelectorMissError{}) {
		t.Errorf("v1 file on a v2 portal: %v, want a selector miss", err)
	}
}

// TestSurvivesFaults runs through a 20% server error rate, a session that
// the portal expires twice mid-run and added latency, and still reads
// every account exactly once.
func TestSurvivesFaults(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Seed: 11, Accounts: 45, PageSize: 15, FailRate: 0.2, Latency: 2 * time.Millisecond}, nil)
	var expired atomic.Int32
	rec := &memRecorder{OnPage: func(n int) {
		// Expire the session once each of the first two list pages is
		// read: the account fetches of the next page, whose rows the
		// bot has already read, are sent to the login form.
		if n <= 2 && fx.portal.ExpireSessions() > 0 {
			expired.Add(1)
		}
	}}
	start := time.Now()
	err := newBot(t).Run(context.Background(), session(t, fx.target, 0), rec)
	t.Logf("run with faults took %s: %d observations, %d pages", time.Since(start), len(rec.Obs), rec.Pages)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if expired.Load() != 2 {
		t.Fatalf("expired the session %d times, want 2", expired.Load())
	}
	checkEveryAccountOnce(t, rec, fx.portal.Accounts())
}

func TestMaintenancePage(t *testing.T) {
	t.Run("at start", func(t *testing.T) {
		fx := newFixture(t, portalsim.Config{Accounts: 10, Maintenance: true}, nil)
		rec, err := runBot(t, newBot(t), fx.target, 0)
		if !errors.Is(err, bots.ErrMaintenance) || !strings.Contains(err.Error(), "maintenance") {
			t.Fatalf("Run = %v, want bots.ErrMaintenance", err)
		}
		shots := rec.Captures(orchestrator.EvidenceScreenshot)
		if len(shots) != 1 || !bytes.HasPrefix(shots[0].Content, []byte("\x89PNG")) {
			t.Fatalf("%d screenshots of the maintenance page, want 1", len(shots))
		}
	})
	t.Run("mid-run", func(t *testing.T) {
		fx := newFixture(t, portalsim.Config{Accounts: 40, PageSize: 25}, nil)
		// Page 1's accounts are all reported (the bot has read page 2's
		// rows by then): page 2's accounts show the maintenance page.
		rec := &memRecorder{OnPage: func(n int) {
			if n == 1 {
				fx.portal.SetMaintenance(true)
			}
		}}
		err := newBot(t).Run(context.Background(), session(t, fx.target, 0), rec)
		if !errors.Is(err, bots.ErrMaintenance) {
			t.Fatalf("Run = %v, want bots.ErrMaintenance", err)
		}
		if len(rec.Obs) != 25 {
			t.Errorf("observed %d accounts before maintenance, want the first page's 25", len(rec.Obs))
		}
		shots := rec.Captures(orchestrator.EvidenceScreenshot)
		if last := shots[len(shots)-1]; last.ItemRef == "" || !strings.Contains(last.URL, "/accounts/") {
			t.Errorf("last screenshot %q of %s, want the account page that showed maintenance", last.ItemRef, last.URL)
		}
	})
}

// TestBrokenSelectorFileShowsInMetrics loads a broken override file the
// way an operator would and checks the miss reaches /metrics.
func TestBrokenSelectorFileShowsInMetrics(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Accounts: 10}, nil)
	good, err := packs.Layout("coding-worklist", "v1")
	if err != nil {
		t.Fatal(err)
	}
	broken := replaceElement(t, elRowLink, "a.acct-anchor")
	reg := prometheus.NewRegistry()
	m, err := monitoring.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	rec := &memRecorder{OnSelector: m.SelectorUsed}
	err = newBot(t, broken).Run(context.Background(), session(t, fx.target, 0), rec)
	var miss *bots.SelectorMissError
	if !errors.As(err, &miss) || miss.Element != elRowLink || len(miss.Screenshot) == 0 || miss.Evidence == 0 {
		t.Fatalf("Run = %v, want a selector miss on %s with a screenshot", err, elRowLink)
	}
	srv := httptest.NewServer(monitoring.Handler(reg))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range []string{
		`docket_selector_misses_total{element="row_link",portal="coding-worklist"} 1`,
		`docket_selector_matches_total{candidate="0",element="worklist_rows",portal="coding-worklist"}`,
	} {
		if !strings.Contains(string(body), line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
	_ = good
}

// TestBadDataIsFlaggedNotFatal reads accounts with every kind of malformed
// data: each is observed, flagged with problems that name the field and
// the rule, never the value, and the run succeeds.
func TestBadDataIsFlaggedNotFatal(t *testing.T) {
	kinds := portalsim.MalformedKinds()
	fx := newFixture(t, portalsim.Config{Seed: 5, Accounts: 24, Malformed: len(kinds), PageSize: 25}, nil)
	rec, err := runBot(t, newBot(t), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	bad := fx.portal.MalformedAccounts()
	if len(rec.Obs) != 24 || len(bad) != len(kinds) {
		t.Fatalf("observed %d of 24 accounts, %d malformed", len(rec.Obs), len(bad))
	}
	wantField := map[string]string{
		portalsim.MalformedMissingFields: "discharge_date",
		portalsim.MalformedBadDates:      "admit_date",
		portalsim.MalformedBadCodes:      "drg",
		portalsim.MalformedHugeNote:      "hold_reasons[0].note",
		portalsim.MalformedMarkup:        "assigned_coder",
		portalsim.MalformedExtraColumns:  "hold_reasons",
	}
	for _, o := range rec.Obs {
		kind, isBad := bad[o.ExternalID]
		if !isBad {
			if len(o.Problems) > 0 {
				t.Errorf("clean account %s flagged: %v", o.ExternalID, o.Problems)
			}
			continue
		}
		var fields []string
		for _, p := range o.Problems {
			fields = append(fields, p.Field)
			if len(p.Problem) > 80 || strings.ContainsAny(p.Problem, "<>$") || strings.Contains(p.Problem, "2026") {
				t.Errorf("account %s: problem %q may carry the value", o.ExternalID, p.Problem)
			}
		}
		if !strings.Contains(strings.Join(fields, " "), wantField[kind]) {
			t.Errorf("account %s (%s): problems %v, want one on %s", o.ExternalID, kind, o.Problems, wantField[kind])
		}
		if o.Data.(orchestrator.CodingHold).AccountNumber != o.ExternalID {
			t.Errorf("account %s: record lost its account number", o.ExternalID)
		}
	}
}

// TestSessionExpiresOnListPages expires the session just before the
// worklist shell of page 2 is served (the server sends the browser to the
// login form) and just before page 3's rows are fetched by its script
// (the script gets a 401 and sends the browser to the login form).
func TestSessionExpiresOnListPages(t *testing.T) {
	var fx fixture
	var shell, api atomic.Bool
	fx = newFixture(t, portalsim.Config{Seed: 12, Accounts: 28, PageSize: 10}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == "/worklist" && r.URL.Query().Get("page") == "2" && shell.CompareAndSwap(false, true):
				fx.portal.ExpireSessions()
			case r.URL.Path == "/api/worklist" && r.URL.Query().Get("page") == "3" && api.CompareAndSwap(false, true):
				fx.portal.ExpireSessions()
			}
			next.ServeHTTP(w, r)
		})
	})
	rec, err := runBot(t, newBot(t), fx.target, 0)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !shell.Load() || !api.Load() {
		t.Fatal("the session was not expired on both pages")
	}
	checkEveryAccountOnce(t, rec, fx.portal.Accounts())
}
