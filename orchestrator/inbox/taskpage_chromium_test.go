package inbox

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/go-rod/rod"
)

// portalPage is a portal account page as a bot stores it: its stylesheet
// linked relatively, and a script that must never run in Docket.
const portalPage = `<!doctype html><html><head><meta charset="utf-8"><title>Account ACC-7700</title>
<link rel="stylesheet" href="/static/portal.css"></head><body><h1>Account ACC-7700</h1>
<table class="fields"><tr><th>Patient</th><td>Pat Ient ACC-7700</td></tr><tr><th>Discharged</th><td>11/10/2026</td></tr>
<tr><th>Total charges</th><td>$13,635.13</td></tr><tr><th>Hold reason</th><td>CODINC Coding incomplete</td></tr></table>
<script>alert("from the portal")</script></body></html>`

// TestTaskPageInChromium opens a task page in headless Chromium at 1440
// and 390 pixels wide, saves screenshots into bin/screenshots/, and checks
// that the page never scrolls sideways at 390, that the portal's page
// snapshot renders in its sandboxed frame with the portal's stylesheet and
// without running its script, and that a screenshot enlarges on click and
// shrinks again.
func TestTaskPageInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pool := startPool(t, ctx, 1)
	e := newEnv(t)
	cssAsked := make(chan struct{}, 64) // a request for the portal's stylesheet
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/static/portal.css":
			select {
			case cssAsked <- struct{}{}:
			default:
			}
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, "body{font:15px Georgia,serif;background:#fffbe6;margin:16px}h1{color:#7a2e00}"+
				"table.fields th{background:#7a2e00;color:#fff;text-align:left;padding:4px 8px}table.fields td{padding:4px 8px}")
		case "/account/ACC-7700":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, portalPage)
		default:
			http.NotFound(w, r)
		}
	}))
	defer portal.Close()
	b := newBrowser(t, ctx, pool, e.http.URL)

	// The bot's evidence of the account: a real screenshot of the portal
	// page and its HTML, then the item and its task.
	var shotPNG []byte
	b.step("capture the portal page", func(p *rod.Page) {
		p.MustSetViewport(1000, 420, 1, false)
		p.MustNavigate(portal.URL + "/account/ACC-7700").MustWaitLoad()
		shotPNG = p.MustScreenshot()
	})
	if *b.dialogs != 1 {
		t.Fatalf("the portal page's own script opened %d dialogs, want 1 (the check below relies on it)", *b.dialogs)
	}
	*b.dialogs = 0
	task := seedAccountTask(t, e, portal.URL+"/account/ACC-7700", shotPNG)
	b.login("staff")

	dir := filepath.Join("..", "..", "bin", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := "/tasks/" + strconv.FormatInt(task.ID, 10)
	for _, width := range []int{1440, 390} {
		b.step(fmt.Sprintf("task page at %d px", width), func(p *rod.Page) {
			p.MustSetViewport(width, 900, 1, width < 600)
			for len(cssAsked) > 0 {
				<-cssAsked
			}
			b.open(p, path)
			p.MustElement("#summary")
			p.MustElement("figure.dom iframe").MustScrollIntoView()
			select {
			case <-cssAsked:
			case <-time.After(30 * time.Second):
				panic("the page snapshot's frame never asked the portal for its stylesheet")
			}
			p.MustWaitIdle()
			if over := p.MustEval(`() => document.documentElement.scrollWidth - document.documentElement.clientWidth`).Int(); over > 0 {
				panic(fmt.Sprintf("at %d px the page is %d px wider than the window", width, over))
			}
			p.MustScreenshotFullPage(filepath.Join(dir, fmt.Sprintf("task-page-%d.png", width)))
			p.MustScreenshot(filepath.Join(dir, fmt.Sprintf("task-page-%d-top.png", width)))
			p.MustElement("#evidence").MustScrollIntoView()
			p.MustScreenshot(filepath.Join(dir, fmt.Sprintf("task-page-%d-evidence.png", width)))
		})
	}
	b.step("enlarge a screenshot", func(p *rod.Page) {
		p.MustSetViewport(1440, 900, 1, false)
		b.open(p, path)
		img := p.MustElement("#evidence figure.shot img.evidence")
		img.MustScrollIntoView().MustClick()
		p.MustWait(`() => location.hash.startsWith("#ev-")`)
		if pos := img.MustEval(`() => getComputedStyle(this).position`).String(); pos != "fixed" {
			panic("an enlarged screenshot is positioned " + pos)
		}
		p.MustScreenshot(filepath.Join(dir, "task-page-zoom-1440.png"))
		p.Mouse.MustMoveTo(10, 10)
		p.Mouse.MustClick("left")
		p.MustWait(`() => location.hash === "#evidence"`)
		if pos := img.MustEval(`() => getComputedStyle(this).position`).String(); pos == "fixed" {
			panic("the screenshot stays enlarged after a click beside it")
		}
	})
	// The automation team's task about a failed run: its error and the
	// screenshot where it failed.
	failure, _, err := e.svc.OpenForRun(ctx, orchestrator.RunFailure{Run: e.run, Bot: e.bot},
		orchestrator.RouteDecision{Rule: "bot-failure", Queue: orchestrator.QueueAutomation, Priority: orchestrator.PriorityHigh,
			Detail: "A bot run failed after its retries."})
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{1440, 390} {
		b.step(fmt.Sprintf("bot-failure task at %d px", width), func(p *rod.Page) {
			p.MustSetViewport(width, 900, 1, width < 600)
			b.open(p, "/tasks/"+strconv.FormatInt(failure.ID, 10))
			p.MustElement("#failed-run img.evidence")
			p.MustWaitIdle()
			if over := p.MustEval(`() => document.documentElement.scrollWidth - document.documentElement.clientWidth`).Int(); over > 0 {
				panic(fmt.Sprintf("at %d px the bot-failure task is %d px wider than the window", width, over))
			}
			p.MustScreenshot(filepath.Join(dir, fmt.Sprintf("task-bot-failure-%d.png", width)))
		})
	}
	if *b.dialogs != 0 {
		t.Errorf("%d JavaScript dialogs opened: the snapshot's script ran", *b.dialogs)
	}
	entries, err := e.store.AuditFor(ctx, orchestrator.AuditSubjectItem(task.ItemID), time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	views := 0
	for _, a := range entries {
		if a.Action == "evidence.viewed" {
			views++
		}
	}
	if views == 0 {
		t.Error("the evidence the page showed was not audited")
	}
}

// seedAccountTask stores a screenshot and the DOM of the portal page at
// addr as the evidence of a new coding-hold item, and opens its task.
func seedAccountTask(t *testing.T, e *env, addr string, shot []byte) orchestrator.HumanTask {
	t.Helper()
	ctx := context.Background()
	const acct = "ACC-7700"
	sh, err := e.ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
		Content: shot, URL: addr, Bot: e.bot.Name, RunID: e.run.ID, ItemRef: acct})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceDOM, MediaType: "text/html",
		Content: []byte(portalPage), URL: addr, Bot: e.bot.Name, RunID: e.run.ID, ItemRef: acct}); err != nil {
		t.Fatal(err)
	}
	hold := orchestrator.CodingHold{AccountNumber: acct, EncounterID: "E7700", MRN: "MRN-7700", PatientName: "Pat Ient " + acct,
		Facility: "North Campus", PatientClass: "IP", AdmitDate: "2026-11-02", DischargeDate: "2026-11-10", DaysSinceDischarge: 24,
		FinancialClass: "Medicare", PrimaryPayer: "Medicare Part A", TotalChargesCents: 1363513, CodingStatus: "in_progress",
		AssignedCoder: "A. Coder", Vendor: "CodeCo",
		HoldReasons: []orchestrator.HoldReason{
			{Code: "CODINC", Description: "Coding incomplete", OwnerRole: "Coding", AddedAt: "2026-11-12"},
			{Code: "OPNOTE", Description: "Operative note missing", OwnerRole: "Physician", Physician: "Dr. Rivera", AddedAt: "2026-11-12",
				Note: "Op note for the 11/03 procedure not signed"},
		},
		Query: &orchestrator.Query{ID: "Q-1182", SentAt: "2026-11-13", Status: "open"}}
	u, err := orchestrator.NewItemUpsert(e.run.ID, time.Now().Add(-10*24*time.Hour), orchestrator.Observation{Portal: "coding-worklist",
		ExternalID: acct, Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, Data: hold, EvidenceID: sh.ID})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.store.UpsertItem(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	task, _, err := e.svc.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "coding-incomplete", Queue: orchestrator.QueueCoding,
		Priority: orchestrator.PriorityHigh, Detail: "The account is past its bill-hold window and its coding is not finished.",
		ClockStart: time.Now().AddDate(0, 0, -12)}, orchestrator.RunActor(e.run.ID))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(task.Detail) == "" {
		t.Fatal("task opened without its detail")
	}
	return task
}
