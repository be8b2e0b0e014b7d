package inbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/storetest"
	"github.com/docket-rpa/docket/tasks"
	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// browser drives one person's incognito browser context in real Chromium.
type browser struct {
	t    *testing.T
	ctx  context.Context
	sess *bots.Session
	base string
	// dialogs counts JavaScript dialogs: an alert() from data would be
	// markup that escaped as script.
	dialogs *int
}

func (b *browser) step(name string, fn func(p *rod.Page)) {
	b.t.Helper()
	start := time.Now()
	defer func() { b.t.Logf("step %s took %s", name, time.Since(start).Round(time.Millisecond)) }()
	err := b.sess.Step(b.ctx, name, func(p *rod.Page) error { return rod.Try(func() { fn(p) }) })
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
}

// submit clicks a button that submits a form and waits for the next page.
func (b *browser) submit(p *rod.Page, selector string) {
	wait := p.WaitNavigation(proto.PageLifecycleEventNameDOMContentLoaded)
	p.MustElement(selector).MustClick()
	wait()
}

func (b *browser) open(p *rod.Page, path string) {
	wait := p.WaitNavigation(proto.PageLifecycleEventNameDOMContentLoaded)
	p.MustNavigate(b.base + path)
	wait()
}

func (b *browser) login(name string) {
	b.step("login "+name, func(p *rod.Page) {
		b.open(p, "/login?next=/inbox")
		p.MustElement("#name").MustInput(name)
		p.MustElement("#password").MustInput(testPasswords[name])
		b.submit(p, "#login button")
		if u := p.MustInfo().URL; !strings.HasSuffix(u, "/inbox") {
			panic(fmt.Sprintf("after login at %s, want /inbox", u))
		}
	})
}

func newBrowser(t *testing.T, ctx context.Context, pool *bots.Pool, base string) *browser {
	s, err := pool.Session(ctx, bots.Target{Portal: "docket-web", BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	n := 0
	b := &browser{t: t, ctx: ctx, sess: s, base: base, dialogs: &n}
	b.step("watch dialogs", func(p *rod.Page) {
		go p.Context(ctx).EachEvent(func(e *proto.PageJavascriptDialogOpening) {
			n++
			_ = proto.PageHandleJavaScriptDialog{Accept: true}.Call(p)
		})()
	})
	return b
}

// TestEndToEndInChromium: a staff member logs in, filters the inbox,
// claims a task, opens its screenshot, comments, and resolves it with an
// outcome that writes back: the resolution enqueues a writeback run on real
// Redis, a worker runs the writeback bot in Chromium against the portal
// simulator, the portal records the note, and the task page shows the
// run's result and its before and after screenshots. A second staff
// member's claim of the same task, from a page opened before the first
// claim, fails with who and when; the item history, the task's audit trail
// and the supervisor's audit log show every step; markup from the portal
// and from comments stays text.
func TestEndToEndInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// Four sessions: two staff members, the write-back run and a supervisor.
	pool := startPool(t, ctx, 4) // stopped after the worker and the sessions: their cleanups run first
	e, world := newWriteBackEnv(t, pool)

	task := e.tasks[0]
	id := strconv.FormatInt(task.ID, 10)
	taskPath := "/tasks/" + id
	ana := newBrowser(t, ctx, pool, e.http.URL)
	ana.login("staff")
	bo := newBrowser(t, ctx, pool, e.http.URL)
	bo.login("staff2")

	ana.step("filter the inbox", func(p *rod.Page) {
		p.MustElement("#f-queue").MustSelect("coding")
		p.MustElement("#f-payer").MustSelect("Medicare Part A")
		b := ana
		b.submit(p, "#apply")
		rows := p.MustElements("tr.task")
		if len(rows) != 1 || rows[0].MustAttribute("data-task") == nil || *rows[0].MustAttribute("data-task") != id {
			panic(fmt.Sprintf("filtered inbox lists %d rows, want task %d only", len(rows), task.ID))
		}
		if !strings.Contains(p.MustInfo().URL, "payer=Medicare+Part+A") {
			panic("the filter is not in the URL")
		}
		b.submit(p, "tr.task a")
	})
	// The second person opens the same task before the first claims it:
	// the page's form carries the version they saw.
	bo.step("open the task", func(p *rod.Page) { bo.open(p, taskPath); p.MustElement("#claim") })

	ana.step("claim", func(p *rod.Page) {
		if !strings.HasSuffix(p.MustInfo().URL, taskPath) {
			panic("not on the task page: " + p.MustInfo().URL)
		}
		ana.submit(p, "#claim")
		if got := p.MustElement("#assignee").MustText(); !strings.HasPrefix(got, "staff since") {
			panic("assignee after claim: " + got)
		}
		p.MustElementR(".flash", "Task claimed")
	})
	bo.step("claim too late", func(p *rod.Page) {
		bo.submit(p, "#claim")
		msg := p.MustElement("#error").MustText()
		if !strings.Contains(msg, "cannot claim task "+id+": it was claimed by staff at") {
			panic("second claim message: " + msg)
		}
		if got := p.MustElement("#assignee").MustText(); !strings.HasPrefix(got, "staff since") {
			panic("the page after the lost claim shows assignee " + got)
		}
	})

	ana.step("open the screenshot", func(p *rod.Page) {
		link := p.MustElement(`a.evidence-link[data-kind="screenshot"]`)
		href := *link.MustAttribute("href")
		if href != "/evidence/"+strconv.FormatInt(e.screenshot.ID, 10) {
			panic("screenshot link " + href)
		}
		ana.submit(p, `a.evidence-link[data-kind="screenshot"]`)
		if ct := p.MustEval(`() => document.contentType`).String(); ct != "image/png" {
			panic("screenshot content type " + ct)
		}
		if w := p.MustElement("img").MustEval(`() => this.naturalWidth`).Int(); w != 40 {
			panic(fmt.Sprintf("screenshot width %d, want 40", w))
		}
		ana.open(p, taskPath)
	})

	const comment = `Checked the op note <script>alert("comment")</script> — Ünïcödé ✓`
	ana.step("comment", func(p *rod.Page) {
		p.MustElement("#comment-body").MustInput(comment)
		ana.submit(p, "#comment")
		if got := p.MustElement(".comment-body").MustText(); got != comment {
			panic("comment shown as " + got)
		}
	})
	ana.step("portal markup is text", func(p *rod.Page) {
		reasons := p.MustElement(`td.field[data-field="hold_reasons"]`).MustText()
		if !strings.Contains(reasons, `<script>alert("portal")</script>`) {
			panic("hold reasons shown as " + reasons)
		}
		if n := p.MustEval(`() => document.querySelectorAll("main script, main img:not(.evidence)").length`).Int(); n != 0 {
			panic(fmt.Sprintf("%d script or img elements came from data", n))
		}
	})
	runID := orchestrator.WriteBackRunID(task.ID)
	ana.step("resolve with a write-back", func(p *rod.Page) {
		p.MustElement("#outcome-select").MustEval(`() => { this.value = "code_corrected" }`)
		p.MustElement("#note").MustInput("Corrected the principal diagnosis <b>per op note</b>")
		ana.submit(p, "#resolve")
		// The next task comes up; the resolved one shows its resolution.
		p.MustElementR(".flash", "Task resolved. This is your next task.")
		if u := p.MustInfo().URL; strings.Contains(u, taskPath+"?") || !strings.Contains(u, "/tasks/") {
			panic("after resolving, the page is " + u + ", want the next task")
		}
		ana.open(p, taskPath)
		if got := p.MustElement("#task-status").MustText(); got != string(orchestrator.TaskCompleted) {
			panic("status after resolve: " + got)
		}
		if got := p.MustElement("#writeback").MustText(); !strings.Contains(got, runID) {
			panic("write-back shown as " + got)
		}
		if got := p.MustElement("#resolution").MustText(); got != "Corrected the principal diagnosis <b>per op note</b>" {
			panic("note shown as " + got)
		}
	})

	// The worker runs the write-back; the inbox reads its result from the
	// system of record, as a person reloading the page would.
	run := storetest.WaitRun(t, e.store, runID, 2*time.Minute)
	if run.Status != orchestrator.RunSucceeded || run.Bot != tasks.BotWriteBack {
		t.Fatalf("write-back run %s: %s (%s)", runID, run.Status, run.Error)
	}
	t.Logf("write-back run %s %s after %d attempt(s), %s in the worker", runID, run.Status, run.Attempts, run.Duration().Round(time.Millisecond))
	wantNote := "Docket task " + id + " resolved as code_corrected by user:staff."
	if notes := world.notes(e.account); len(notes) != 1 || notes[0] != wantNote {
		t.Fatalf("portal notes on %s: %q, want exactly %q", e.account, notes, wantNote)
	}
	var before, after string
	ana.step("write-back result and evidence", func(p *rod.Page) {
		ana.open(p, taskPath)
		if got := p.MustElement("#writeback-status").MustText(); got != string(orchestrator.RunSucceeded) {
			panic("write-back status " + got)
		}
		for _, purpose := range []string{orchestrator.PurposeBefore, orchestrator.PurposeAfter} {
			links := p.MustElements(`#writeback-evidence a[data-purpose="` + purpose + `"][data-kind="screenshot"]`)
			if len(links) != 1 {
				panic(fmt.Sprintf("%d %s screenshots of the write-back", len(links), purpose))
			}
			href := *links[0].MustAttribute("href")
			if purpose == orchestrator.PurposeBefore {
				before = href
			} else {
				after = href
			}
		}
		ana.open(p, after)
		if ct := p.MustEval(`() => document.contentType`).String(); ct != "image/png" {
			panic("after screenshot content type " + ct)
		}
		if w := p.MustElement("img").MustEval(`() => this.naturalWidth`).Int(); w < 100 {
			panic(fmt.Sprintf("after screenshot is %d pixels wide", w))
		}
		ana.open(p, taskPath)
	})
	if before == after {
		t.Errorf("before and after are the same evidence %s", before)
	}
	ana.step("before and after side by side", func(p *rod.Page) {
		p.MustSetViewport(1440, 900, 1, false)
		shots := p.MustElements("#writeback-evidence figure.shot img.evidence")
		if len(shots) != 2 {
			panic(fmt.Sprintf("%d write-back screenshots shown, want before and after", len(shots)))
		}
		shots[0].MustScrollIntoView()
		a, b := shots[0].MustShape().Box(), shots[1].MustShape().Box()
		if a.Y != b.Y || a.X >= b.X {
			panic(fmt.Sprintf("before at %+v and after at %+v are not side by side", a, b))
		}
		dir := filepath.Join("..", "..", "bin", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err)
		}
		p.MustScreenshot(filepath.Join(dir, "task-writeback-1440.png"))
	})

	var audit, history, historyActors []string
	ana.step("history and audit trail", func(p *rod.Page) {
		for _, row := range p.MustElements("tr.history-entry") {
			history = append(history, row.MustElement("td.action").MustText())
			historyActors = append(historyActors, row.MustElement("td.actor").MustText())
			if reason := row.MustElement("td.reason").MustText(); strings.Contains(reason, "op note") {
				panic("a comment or note reached the item history: " + reason)
			}
		}
		for _, el := range p.MustElements("tr.audit-entry td.action") {
			audit = append(audit, el.MustText())
		}
	})
	wantHistory := []string{orchestrator.ActionCreated, "task.claimed", "task.commented", "task.resolved"}
	if len(history) != len(wantHistory) || !containsInOrder(history, wantHistory) {
		t.Errorf("item history %v, want %v", history, wantHistory)
	}
	for i, actor := range historyActors {
		if i > 0 && actor != "user:staff" {
			t.Errorf("history entry %d (%s) by %q, want user:staff", i, history[i], actor)
		}
	}
	wantAudit := []string{"task.claimed", "evidence.viewed", "task.commented", "task.resolved"}
	if !containsInOrder(audit, wantAudit) {
		t.Errorf("task audit trail %v, want %v in order", audit, wantAudit)
	}

	// The supervisor's audit log has the logins and the write-back run too,
	// and the chain holds.
	sup := newBrowser(t, ctx, pool, e.http.URL)
	sup.login("supervisor")
	var logAll string
	sup.step("audit log", func(p *rod.Page) {
		sup.open(p, "/audit")
		logAll = p.MustElement("#audit").MustText()
	})
	for _, want := range []string{"user:staff\tuser.login", "user:staff2\tuser.login", "user:staff\ttask.claimed",
		"user:staff\ttask.resolved", "run:" + runID + "\trun.succeeded"} {
		if !strings.Contains(logAll, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	entries, err := e.store.AuditLog(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := orchestrator.VerifyAuditChain(entries, ""); err != nil {
		t.Errorf("audit chain: %v", err)
	}
	for _, b := range []*browser{ana, bo, sup} {
		if *b.dialogs != 0 {
			t.Errorf("%d JavaScript dialogs opened: markup from data ran as script", *b.dialogs)
		}
	}
	e.noPHIInLogs()
}

func containsInOrder(have, want []string) bool {
	i := 0
	for _, h := range have {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	return i == len(want)
}
