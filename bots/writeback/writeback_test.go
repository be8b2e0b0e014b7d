package writeback

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/bottest"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
)

var portalNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// memRecorder keeps what a run reports.
type memRecorder = bottest.Recorder

type fixture struct {
	portal *portalsim.CodingWorklist
	target bots.Target
}

func newFixture(t *testing.T, cfg portalsim.Config, wrap func(http.Handler) http.Handler) fixture {
	t.Helper()
	cfg.Now = func() time.Time { return portalNow }
	cfg.TOTPSecret = portalsim.NewTOTPSecret(cfg.Seed)
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
	return fixture{portal: p, target: bots.Target{
		Portal: "coding-worklist", BaseURL: srv.URL, Username: user, Password: pass, TOTPSecret: p.TOTPSecret(),
	}}
}

func newBot(t *testing.T) *Bot {
	t.Helper()
	layouts, err := packs.Layouts("coding-worklist")
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Layouts: layouts, Backoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runOnce(t *testing.T, b *Bot, target bots.Target, req Request) (Result, *memRecorder, error) {
	t.Helper()
	s, err := testPool.Session(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := &memRecorder{}
	res, err := b.RunRequest(context.Background(), s, rec, req)
	return res, rec, err
}

// TestRunTwiceChangesOnce runs every action twice on both layouts: the
// portal changes once, the first run keeps before and after screenshots,
// the second finds the work done.
func TestRunTwiceChangesOnce(t *testing.T) {
	for _, layout := range []string{portalsim.LayoutV1, portalsim.LayoutV2} {
		fx := newFixture(t, portalsim.Config{Seed: 3, Accounts: 10, Layout: layout}, nil)
		acct := fx.portal.Accounts()[2]
		queue := portalsim.QueueCDI
		if acct.Queue == queue {
			queue = portalsim.QueueRevenue
		}
		for _, req := range []Request{
			{ID: "task-1", Account: acct.Number, Action: ActionAddNote, Params: map[string]string{"text": "Query sent to Dr. on 11/20; awaiting reply"}},
			{ID: "task-2", Account: acct.Number, Action: ActionRoute, Params: map[string]string{"queue": queue}},
			{ID: "task-3", Account: acct.Number, Action: ActionReleaseHold, Params: map[string]string{"reason": acct.HoldReasons[0].Code}},
		} {
			t.Run(layout+"/"+req.Action, func(t *testing.T) {
				b := newBot(t)
				res, rec, err := runOnce(t, b, fx.target, req)
				if err != nil || res.Outcome != OutcomeActed {
					t.Fatalf("first run = %+v, %v; want acted", res, err)
				}
				if len(rec.Evidence) != 2 {
					t.Fatalf("first run kept %d captures, want before and after", len(rec.Evidence))
				}
				for i, purpose := range []string{orchestrator.PurposeBefore, orchestrator.PurposeAfter} {
					c := rec.Evidence[i]
					if c.Purpose != purpose || c.Kind != orchestrator.EvidenceScreenshot || c.ItemRef != acct.Number ||
						!bytes.HasPrefix(c.Content, []byte("\x89PNG")) || c.Bot != Kind || c.SelectorVersion != layout ||
						!strings.Contains(c.URL, "/accounts/"+acct.Number) {
						t.Errorf("capture %d: %s %s ref %q version %q url %s", i, c.Purpose, c.Kind, c.ItemRef, c.SelectorVersion, c.URL)
					}
				}
				if res.Before != 1 || res.After != 2 || bytes.Equal(rec.Evidence[0].Content, rec.Evidence[1].Content) {
					t.Errorf("result evidence %d/%d, or before and after look the same", res.Before, res.After)
				}
				res2, rec2, err := runOnce(t, b, fx.target, req)
				if err != nil || res2.Outcome != OutcomeAlreadyDone || res2.After != 0 || len(rec2.Evidence) != 1 {
					t.Fatalf("second run = %+v, %v with %d captures; want already_done with a before screenshot", res2, err, len(rec2.Evidence))
				}
				n := 0
				for _, a := range fx.portal.Actions() {
					if a.Account == acct.Number && a.Kind == req.Action {
						n++
					}
				}
				if n != 1 {
					t.Errorf("portal recorded %d %s actions, want 1", n, req.Action)
				}
			})
		}
		got, _ := fx.portal.Account(acct.Number)
		if len(got.Notes) != 1 || got.Queue != queue || len(got.HoldReasons) != len(acct.HoldReasons)-1 {
			t.Errorf("%s: ground truth after write-backs: %d notes, queue %q, %d holds", layout, len(got.Notes), got.Queue, len(got.HoldReasons))
		}
	}
}

// TestUnclearAnswerDoesNotRepeat: the portal applies the action but the
// answer is lost in a 502; the bot reads the state again and does not act
// a second time.
func TestUnclearAnswerDoesNotRepeat(t *testing.T) {
	var posts atomic.Int32
	fx := newFixture(t, portalsim.Config{Seed: 4, Accounts: 5}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/notes") && posts.Add(1) == 1 {
				next.ServeHTTP(httptest.NewRecorder(), r) // applied, answer lost
				http.Error(w, "bad gateway", http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	acct := fx.portal.Accounts()[0]
	req := Request{Account: acct.Number, Action: ActionAddNote, Params: map[string]string{"text": "Coded per query response"}}
	res, _, err := runOnce(t, newBot(t), fx.target, req)
	if err != nil || res.Outcome != OutcomeActed {
		t.Fatalf("run = %+v, %v", res, err)
	}
	if got, _ := fx.portal.Account(acct.Number); len(got.Notes) != 1 || posts.Load() != 1 {
		t.Errorf("%d notes after %d posts, want 1 and 1", len(got.Notes), posts.Load())
	}
}

func TestThroughFaults(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Seed: 8, Accounts: 5, FailRate: 0.2}, nil)
	acct := fx.portal.Accounts()[1]
	req := Request{Account: acct.Number, Action: ActionRoute, Params: map[string]string{"queue": portalsim.QueueBilling}}
	if acct.Queue == portalsim.QueueBilling {
		req.Params["queue"] = portalsim.QueueCDI
	}
	for i := range 2 {
		if _, _, err := runOnce(t, newBot(t), fx.target, req); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	if n := len(fx.portal.Actions()); n != 1 {
		t.Errorf("%d portal actions, want 1", n)
	}
}

func TestMaintenance(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Accounts: 5, Maintenance: true}, nil)
	req := Request{Account: "1", Action: ActionRoute, Params: map[string]string{"queue": portalsim.QueueCDI}}
	_, rec, err := runOnce(t, newBot(t), fx.target, req)
	if !errors.Is(err, bots.ErrMaintenance) || len(rec.Evidence) != 1 || rec.Evidence[0].Purpose != orchestrator.PurposeFailure {
		t.Fatalf("run = %v with %d captures, want ErrMaintenance and a failure screenshot", err, len(rec.Evidence))
	}
}

func TestRunNeedsATypedRequest(t *testing.T) {
	fx := newFixture(t, portalsim.Config{Accounts: 5}, nil)
	acct := fx.portal.Accounts()[0]
	var got Result
	layouts, _ := packs.Layouts("coding-worklist")
	b, err := New(Config{Layouts: layouts, OnResult: func(_ Request, r Result) { got = r }})
	if err != nil {
		t.Fatal(err)
	}
	s, err := testPool.Session(context.Background(), fx.target)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := b.Run(context.Background(), s, &memRecorder{}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("Run without a request = %v", err)
	}
	req := Request{Account: acct.Number, Action: ActionAddNote, Params: map[string]string{"text": "Reviewed"}}
	if _, err := b.RunRequest(context.Background(), s, &memRecorder{}, req); err != nil || got.Outcome != OutcomeActed {
		t.Fatalf("RunRequest = %v, result %+v", err, got)
	}
	if b.Kind() != "writeback" {
		t.Error(b.Kind())
	}
}

func TestValidate(t *testing.T) {
	for _, r := range []Request{
		{},
		{Account: "1", Action: "delete"},
		{Account: "1", Action: ActionRoute},
		{Account: "1", Action: ActionAddNote, Params: map[string]string{"text": strings.Repeat("x", NoteMax+1)}},
	} {
		if err := r.Validate(); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Validate(%+v) = %v", r.Action, err)
		}
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without selectors accepted")
	}
}
