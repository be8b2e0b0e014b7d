package inbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to drop test schemas
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/bcrypt"
)

// testPasswords are the fixture users' passwords, by name; each user's
// role is its name (staff2 is a second staff member).
var testPasswords = map[string]string{
	"viewer": "viewer-pass", "staff": "staff-pass", "staff2": "staff2-pass",
	"supervisor": "supervisor-pass", "admin": "admin-pass",
}

func roleOf(name string) orchestrator.Role {
	if name == "staff2" {
		return orchestrator.RoleStaff
	}
	return orchestrator.Role(name)
}

// env is a server over a fresh SQLite store with fixture users, bots,
// items, tasks and evidence.
type env struct {
	t     *testing.T
	store *sqlstore.Store
	ev    *evidence.Store
	svc   *orchestrator.TaskService
	srv   *Server
	http  *httptest.Server
	logs  *observer.ObservedLogs
	users map[string]orchestrator.User
	wb    *fakeWriteBack // nil when the env writes back for real
	runs  *fakeRuns
	// logger writes where logs is read, for parts a test adds (a worker).
	logger *zap.Logger
	// account is the first item's account number (the one with the
	// screenshot).
	account string

	bot        orchestrator.Bot
	run        orchestrator.Run // the run that observed the items, failed, with evidence
	screenshot orchestrator.Evidence
	dom        orchestrator.Evidence
	items      []orchestrator.WorkItem
	tasks      []orchestrator.HumanTask // one per item, in item order
}

// fakeWriteBack acts on coding holds only, as the write-back bot does.
type fakeWriteBack struct{}

func (*fakeWriteBack) CanWriteBack(it orchestrator.WorkItem) error {
	if it.Kind != orchestrator.KindCodingHold {
		return errors.New("the write-back bot acts only on coding holds")
	}
	return nil
}

// fakeRuns stands in for the task queue's enqueuer.
type fakeRuns struct {
	store orchestrator.Store
	mu    sync.Mutex
	n     int
}

func (f *fakeRuns) EnqueueNow(ctx context.Context, b orchestrator.Bot) (orchestrator.Run, error) {
	f.mu.Lock()
	f.n++
	id := b.Name + "@manual-" + string(rune('a'+f.n))
	f.mu.Unlock()
	run, _, err := f.store.CreateRun(ctx, orchestrator.Run{ID: id, Bot: b.Name, Slot: orchestrator.SlotManual,
		Status: orchestrator.RunQueued, QueuedAt: time.Now()})
	return run, err
}

// payers are the fixture items' payers: plain, SQL metacharacters,
// LIKE wildcards, unicode and markup.
var payers = []string{
	"Medicare Part A",
	"O'Brien Health; DROP TABLE human_tasks;--",
	"100% Care_Plan",
	"Ünïcödé Versicherung 医療保険",
	`<script>alert("payer")</script>`,
	"Medicare Advantage",
}

const scriptNote = `<img src=x onerror="alert('note')"><script>alert("portal")</script>`

// fakeClock is a clock tests move; safe for the server's goroutines.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith lets a test change the server's Config before it starts.
func newEnvWith(t *testing.T, opt func(*Config)) *env { return newEnvOn(t, "sqlite", opt) }

// postgresURL is the server the PostgreSQL runs use; it must be running
// (make test starts it): the tests fail, never skip, without it.
func postgresURL() string {
	if u := os.Getenv("DOCKET_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// openStore opens a fresh, migrated store: a SQLite file, or a PostgreSQL
// schema of its own that is dropped afterwards.
func openStore(t *testing.T, dialect string) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	cfg := sqlstore.Config{URL: "sqlite://" + filepath.Join(t.TempDir(), "docket.db")}
	if dialect == "postgres" {
		b := make([]byte, 6)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		cfg = sqlstore.Config{URL: postgresURL(), Schema: "docket_inbox_" + hex.EncodeToString(b), MaxOpenConns: 4}
		t.Cleanup(func() {
			db, err := sql.Open("pgx", postgresURL())
			if err != nil {
				t.Errorf("drop schema: %v", err)
				return
			}
			defer db.Close()
			if _, err := db.Exec("DROP SCHEMA IF EXISTS " + cfg.Schema + " CASCADE"); err != nil {
				t.Errorf("drop schema %s: %v", cfg.Schema, err)
			}
		})
	}
	st, err := sqlstore.OpenAndMigrate(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func newEnvOn(t *testing.T, dialect string, opt func(*Config)) *env {
	t.Helper()
	return newEnvFrom(t, envSetup{dialect: dialect, config: opt})
}

// envSetup is what newEnvFrom builds an env from; zero fields take the
// defaults.
type envSetup struct {
	dialect string        // "sqlite" (default) or "postgres"
	config  func(*Config) // changes the server's Config before it starts
	// writeBack builds the write-back enqueuer on the env's store; default
	// a fake that records the requests and the queued run.
	writeBack func(orchestrator.Store) (orchestrator.WriteBacker, error)
	// account is the first item's account number; default ACC-1000.
	account string
}

func newEnvFrom(t *testing.T, setup envSetup) *env {
	t.Helper()
	ctx := context.Background()
	if setup.dialect == "" {
		setup.dialect = "sqlite"
	}
	if setup.account == "" {
		setup.account = "ACC-1000"
	}
	st := openStore(t, setup.dialect)
	var err error
	ev, err := evidence.Open(ctx, evidence.Config{URL: "mem://"}, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ev.Close() })
	queues, err := orchestrator.NewQueues(nil, orchestrator.DefaultQueues()...)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, ev: ev, users: map[string]orchestrator.User{}, runs: &fakeRuns{store: st}, account: setup.account}
	var wb orchestrator.WriteBacker
	if setup.writeBack != nil {
		if wb, err = setup.writeBack(st); err != nil {
			t.Fatal(err)
		}
	} else {
		e.wb = &fakeWriteBack{}
		wb = e.wb
	}
	e.svc, err = orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: queues, WriteBack: wb})
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.DebugLevel)
	e.logs, e.logger = logs, zap.New(core)
	e.bot = orchestrator.Bot{Name: "coding-holds", Kind: "coding-holds", Portal: "coding-worklist", Schedule: "*/15 * * * *",
		Timezone: "UTC", MaxRetry: 3, Timeout: time.Minute, RetryDelay: time.Second, Enabled: true}
	if err := st.UpsertBot(ctx, e.bot); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: st, Users: st, Schedules: st, Tasks: e.svc, Evidence: ev, Runs: e.runs,
		Throttle: st, Bots: map[string]orchestrator.Bot{e.bot.Name: e.bot}, Logger: e.logger, PageSize: 4, PasswordCost: bcrypt.MinCost}
	if setup.config != nil {
		setup.config(&cfg)
	}
	e.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, pw := range testPasswords {
		// The cheapest bcrypt cost: the race detector makes the default
		// one take seconds per hash.
		hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, orchestrator.User{Name: name, Role: roleOf(name), PasswordHash: string(hash)})
		if err != nil {
			t.Fatal(err)
		}
		e.users[name] = u
	}
	e.seed(ctx)
	e.http = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.http.Close)
	return e
}

func testPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		for y := 0; y < 20; y++ {
			img.Set(x, y, color.RGBA{R: 200, G: uint8(x * 5), B: 80, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// seed records a failed run with a screenshot and a DOM snapshot of the
// first account, one coding-hold item per payer and a task for each.
func (e *env) seed(ctx context.Context) {
	t := e.t
	now := time.Now().UTC()
	run, _, err := e.store.CreateRun(ctx, orchestrator.Run{ID: "coding-holds@seed", Bot: e.bot.Name, Slot: orchestrator.SlotManual,
		Status: orchestrator.RunQueued, QueuedAt: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartAttempt(ctx, run.ID, "w1", now.Add(-59*time.Minute)); err != nil {
		t.Fatal(err)
	}
	e.screenshot, err = e.ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
		Content: testPNG(t), URL: "http://portal.test/worklist?page=1", Bot: e.bot.Name, RunID: run.ID, ItemRef: e.account})
	if err != nil {
		t.Fatal(err)
	}
	e.dom, err = e.ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html",
		Content: []byte(`<html><body><script>alert("dom")</script>` + e.account + `</body></html>`), URL: "http://portal.test/account/" + e.account,
		Bot: e.bot.Name, RunID: run.ID, ItemRef: e.account})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishAttempt(ctx, run.ID, orchestrator.RunFailed, "step read-worklist: selector worklist.table missed", now.Add(-58*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if e.run, err = e.store.Run(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	for i, payer := range payers {
		acct := "ACC-" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		if i == 0 {
			acct = e.account
		}
		hold := orchestrator.CodingHold{AccountNumber: acct, EncounterID: "E" + acct, MRN: "MRN-" + acct, PatientName: "Pat Ient " + acct,
			Facility: "North", PatientClass: "IP", AdmitDate: "2026-11-01", DischargeDate: "2026-11-10", DaysSinceDischarge: 18,
			FinancialClass: "MC", PrimaryPayer: payer, TotalChargesCents: 1234567, CodingStatus: "not_coded",
			HoldReasons: []orchestrator.HoldReason{{Code: "MISSING_OP_NOTE", Description: "Missing operative note", OwnerRole: "coding",
				Note: scriptNote, AddedAt: "2026-11-11"}}}
		obs := orchestrator.Observation{Portal: "coding-worklist", ExternalID: acct, Kind: orchestrator.KindCodingHold,
			Queue: orchestrator.QueueCoding, Data: hold}
		if i == 0 {
			obs.EvidenceID = e.screenshot.ID
		}
		u, err := orchestrator.NewItemUpsert(run.ID, now.Add(-time.Duration(len(payers)-i)*24*time.Hour), obs)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.store.UpsertItem(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		e.items = append(e.items, res.Item)
		prio := orchestrator.PriorityNormal
		if i%3 == 0 {
			prio = orchestrator.PriorityHigh
		}
		queue := orchestrator.QueueCoding
		if i == 5 {
			queue = orchestrator.QueueBilling
		}
		task, _, err := e.svc.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "missing_documentation", Queue: queue,
			Priority: prio, Detail: "hold reason MISSING_OP_NOTE"}, orchestrator.RunActor(run.ID))
		if err != nil {
			t.Fatal(err)
		}
		e.tasks = append(e.tasks, task)
	}
}

// session logs name in directly through the store (no bcrypt) and
// returns the cookie value and CSRF token.
func (e *env) session(name string) (cookie, csrf string) {
	e.t.Helper()
	secret, err := newSecret()
	if err != nil {
		e.t.Fatal(err)
	}
	csrf, _ = newSecret()
	err = e.store.CreateSession(context.Background(), orchestrator.Session{TokenHash: hashSecret(secret),
		UserID: e.users[name].ID, CSRFToken: csrf, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret, csrf
}

// client is a browser-like HTTP client: a cookie jar, no redirects
// followed (tests look at them).
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login logs name in through the form and returns the client and the
// CSRF token of the session.
func (e *env) login(name string) (*http.Client, string) {
	e.t.Helper()
	c := e.client()
	resp, err := c.PostForm(e.http.URL+"/login", url.Values{"name": {name}, "password": {testPasswords[name]}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", name, resp.StatusCode)
	}
	u, _ := url.Parse(e.http.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			ss, _, err := e.store.SessionUser(context.Background(), hashSecret(ck.Value), time.Now())
			if err != nil {
				e.t.Fatal(err)
			}
			return c, ss.CSRFToken
		}
	}
	e.t.Fatalf("login %s: no session cookie", name)
	return nil, ""
}

// noPHIInLogs fails if a log line mentions any patient identifier or
// payer of the fixtures.
func (e *env) noPHIInLogs() {
	e.t.Helper()
	for _, entry := range e.logs.All() {
		line := entry.Message
		for k, v := range entry.ContextMap() {
			line += " " + k + "=" + toString(v)
		}
		for _, it := range e.items {
			for _, phi := range []string{"Pat Ient", "MRN-", it.ExternalID} {
				if strings.Contains(line, phi) {
					e.t.Errorf("log line carries patient data %q: %s", phi, line)
				}
			}
		}
		for _, p := range payers[1:] {
			if strings.Contains(line, p) {
				e.t.Errorf("log line carries a payer filter: %s", line)
			}
		}
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case error:
		return x.Error()
	}
	return ""
}

// startPool starts a headless Chromium pool of n contexts for a browser
// test, stopped when the test ends; a missing Chromium fails the test.
func startPool(t *testing.T, ctx context.Context, n int) *bots.Pool {
	t.Helper()
	pool, err := bots.NewPool(bots.PoolConfig{Subreaper: true, Contexts: n, StepTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.Start(ctx); err != nil {
		t.Fatalf("chromium must be installed (make test installs it): %v", err)
	}
	t.Cleanup(pool.Stop)
	return pool
}
