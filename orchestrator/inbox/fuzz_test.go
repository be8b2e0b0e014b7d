package inbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/net/html"
)

// intakePath is the observation path from a portal's page to the inbox:
// the intake (upsert, routing by the example rules, task opening) over a
// real SQLite store, and the inbox server that renders what it stored.
type intakePath struct {
	store  *sqlstore.Store
	intake *orchestrator.Intake
	srv    http.Handler
	cookie *http.Cookie
	n      int
}

func newIntakePath(tb testing.TB) *intakePath {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: filepath.Join(tb.TempDir(), "docket.db")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	router, err := rules.LoadFile("../../deploy/rules.example.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	items, err := orchestrator.NewItemService(orchestrator.ItemServiceConfig{Store: st})
	if err != nil {
		tb.Fatal(err)
	}
	ts, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: router.Queues(), Items: items})
	if err != nil {
		tb.Fatal(err)
	}
	in, err := orchestrator.NewIntake(orchestrator.IntakeConfig{Store: st, Router: router, Tasks: ts, Items: items})
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Config{Store: st, Users: st, Schedules: st, Tasks: ts, Throttle: st, PasswordCost: bcrypt.MinCost})
	if err != nil {
		tb.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("fuzz-staff"), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := st.CreateUser(ctx, orchestrator.User{Name: "staff", Role: orchestrator.RoleStaff, PasswordHash: string(hash)})
	if err != nil {
		tb.Fatal(err)
	}
	secret, err := newSecret()
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.CreateSession(ctx, orchestrator.Session{TokenHash: hashSecret(secret), UserID: u.ID, CSRFToken: "c",
		ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		tb.Fatal(err)
	}
	return &intakePath{store: st, intake: in, srv: srv.Handler(), cookie: &http.Cookie{Name: sessionCookie, Value: secret}}
}

// get renders path as the staff user.
func (p *intakePath) get(t *testing.T, path string) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.AddCookie(p.cookie)
	w := httptest.NewRecorder()
	p.srv.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %.300s", path, w.Code, body)
	}
	return string(body)
}

// FuzzObservationToInbox feeds arbitrary portal values (account number,
// patient name, payer, hold reason note, dates, charges) through intake
// and the inbox. Invariants: nothing panics; every observation is applied
// without error (a bad account number is quarantined, a rule that fails
// opens a task); every stored external id passes CheckExternalID and no
// item holds a rejected id whole; each observation adds at most one item,
// each item has its history and each exception item one open task; and
// every page renders with each invisible formatting or control character
// of portal data inside a <bdi>. `go test` runs the seeds; `go test -fuzz
// FuzzObservationToInbox ./orchestrator/inbox/` looks for more.
func FuzzObservationToInbox(f *testing.F) {
	f.Add("1004000217", "SMITH, JANE Q", "Medicare", "Late charge review pending.", "2026-11-02", int64(1234567))
	f.Add(strings.Repeat("1", 5000), "DOE, JOHN", "Aetna", "", "2026-11-02", int64(0))
	f.Add("1004\r\n217", "O'BRIEN, <script>alert(1)</script>", "BCBS; DROP TABLE work_items;--", "note\x00with NUL", "13/45/2026", int64(-1))
	f.Add("ACC-\u202e42", "\u202eENAJ ,HTIMS", "Medi\u2066care\u2069", "\u200b\u200b", "not a date", int64(1<<62))
	f.Add("1004000218", "\u202eENAJ ,HTIMS", "Medi\u2066care\u2069", "a\x1b[2Jb\r\nc", "2026-11-02", int64(5))
	f.Add("", "", "", "", "", int64(0))
	f.Add("1004\xff", "bad\xffutf8", "\x1b[2J", "line\u2028sep", "2026-02-30", int64(9))
	f.Add("ＡＣＣ１", "名前", "مدیکر", strings.Repeat("x", 70000), "2026-12-04T10:00:00Z", int64(42))
	p := newIntakePath(f)
	f.Fuzz(func(t *testing.T, acct, patient, payer, note, sentAt string, cents int64) {
		ctx := context.Background()
		p.n++
		run := orchestrator.Run{ID: "fuzz@" + strconv.Itoa(p.n), Bot: "coding-holds"}
		obs := orchestrator.Observation{Portal: "coding-worklist", ExternalID: acct, Kind: orchestrator.KindCodingHold,
			Queue: orchestrator.QueueCoding, Data: orchestrator.CodingHold{AccountNumber: acct, PatientName: patient,
				PrimaryPayer: payer, TotalChargesCents: cents, DischargeDate: sentAt, CodingStatus: "not_coded",
				HoldReasons: []orchestrator.HoldReason{{Code: "MISSING_OP_NOTE", Note: note, AddedAt: sentAt}},
				Query:       &orchestrator.Query{ID: "Q-1", SentAt: sentAt, Status: "open"}},
			// A field problem gives every item a task, so its page is rendered.
			Problems: []orchestrator.FieldProblem{{Field: "discharge_date", Problem: "not checked by the fuzz test"}}}
		before := p.count(t)
		res, err := p.intake.Observe(ctx, run, obs)
		after := p.count(t)
		if acct == "" {
			// Not a portal record at all: refused, nothing written.
			if err == nil || after != before {
				t.Fatalf("observation without an id: err %v, items %d -> %d", err, before, after)
			}
			return
		}
		if err != nil {
			t.Fatalf("observe: %v", err)
		}
		if after-before > 1 {
			t.Fatalf("one observation wrote %d items", after-before)
		}
		it := res.Item
		if err := orchestrator.CheckExternalID(it.ExternalID); err != nil {
			t.Fatalf("stored external id %q: %v", it.ExternalID, err)
		}
		hist, err := p.store.History(ctx, it.ID)
		if err != nil || len(hist) == 0 {
			t.Fatalf("item %d history %d entries, %v", it.ID, len(hist), err)
		}
		if it.ExternalID != acct {
			if it.ExternalID != orchestrator.QuarantineKey(acct) {
				t.Fatalf("item %q for account %.40q", it.ExternalID, acct)
			}
			var rec orchestrator.QuarantinedRecord
			if err := json.Unmarshal(it.Data, &rec); err != nil || rec.ExternalIDBytes != len(acct) ||
				(len(acct) > 64 && strings.Contains(string(it.Data), acct)) {
				t.Fatalf("exception item data %.300s: %v", it.Data, err)
			}
			open, err := p.store.Tasks(ctx, orchestrator.TaskFilter{ItemID: it.ID, Reason: orchestrator.ReasonInvalidRecord, Open: true})
			if err != nil || len(open) != 1 {
				t.Fatalf("exception item %d: %d open tasks, %v", it.ID, len(open), err)
			}
		}
		tasks, err := p.store.Tasks(ctx, orchestrator.TaskFilter{ItemID: it.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) == 0 {
			t.Fatalf("item %d has no task", it.ID)
		}
		pages := []string{"/inbox"}
		for _, task := range tasks {
			pages = append(pages, "/tasks/"+strconv.FormatInt(task.ID, 10))
		}
		for _, path := range pages {
			if err := isolated(p.get(t, path)); err != "" {
				t.Fatalf("GET %s: %s", path, err)
			}
		}
	})
}

func (p *intakePath) count(t *testing.T) int {
	t.Helper()
	counts, err := p.store.CountItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c.Count
	}
	return n
}

// isolated parses page and returns what is wrong: a text node holding an
// invisible formatting or control character (other than white space)
// outside a <bdi>, or a script element other than an empty one that
// loads the site's own file from /static.
func isolated(page string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return err.Error()
	}
	var walk func(n *html.Node, inBdi bool) string
	walk = func(n *html.Node, inBdi bool) string {
		if n.Type == html.ElementNode && n.Data == "script" && (n.FirstChild != nil || !staticScript(n)) {
			return "a script element"
		}
		inBdi = inBdi || (n.Type == html.ElementNode && n.Data == "bdi")
		if n.Type == html.TextNode && !inBdi {
			for _, c := range n.Data {
				if unicode.Is(unicode.Cf, c) || (unicode.IsControl(c) && !unicode.IsSpace(c)) {
					return "portal text " + strconv.QuoteToASCII(n.Data) + " outside <bdi>"
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if msg := walk(c, inBdi); msg != "" {
				return msg
			}
		}
		return ""
	}
	return walk(doc, false)
}

// staticScript reports whether a script element loads a file of the
// site's /static.
func staticScript(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "src" {
			return strings.HasPrefix(a.Val, "/static/") && !strings.Contains(a.Val, "//")
		}
	}
	return false
}
