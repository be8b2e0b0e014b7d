package inbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/proto"
)

// consoleErrors collects what a page reports as an error: exceptions,
// console.error and the browser's own log errors (a script the CSP
// blocked, a failed load).
type consoleErrors struct {
	mu   sync.Mutex
	errs []string
}

func (c *consoleErrors) watch(ctx context.Context, p *rod.Page) {
	if err := (proto.LogEnable{}).Call(p); err != nil {
		panic(err)
	}
	go p.Context(ctx).EachEvent(func(e *proto.RuntimeExceptionThrown) {
		c.add("exception: " + e.ExceptionDetails.Text)
	}, func(e *proto.RuntimeConsoleAPICalled) {
		if e.Type == proto.RuntimeConsoleAPICalledTypeError {
			c.add("console.error")
		}
	}, func(e *proto.LogEntryAdded) {
		if e.Entry.Level == proto.LogLogEntryLevelError {
			c.add(string(e.Entry.Source) + ": " + e.Entry.Text)
		}
	})()
}

func (c *consoleErrors) add(s string) {
	c.mu.Lock()
	c.errs = append(c.errs, s)
	c.mu.Unlock()
}

func (c *consoleErrors) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// screenshotDir is bin/screenshots at the top of the repository
// (gitignored), made if missing.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "bin", "screenshots"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shoot sets the viewport, opens path, saves a full-page screenshot as
// name-width.png and returns the page's layout.
func (b *browser) shoot(p *rod.Page, dir, name, path string, width int) pageLayout {
	if err := (proto.EmulationSetDeviceMetricsOverride{Width: width, Height: 900, DeviceScaleFactor: 1}).Call(p); err != nil {
		panic(err)
	}
	b.open(p, path)
	var got pageLayout
	if err := p.MustEval(layoutJS).Unmarshal(&got); err != nil {
		panic(err)
	}
	png, err := p.Screenshot(true, nil)
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
		panic(err)
	}
	return got
}

// TestInboxInChromium opens the inbox and "My work" as staff, and the
// supervisor's inbox, bots, schedules, run and audit pages, at 1440 and
// 390 px in real Chromium: screenshots go to bin/screenshots/; no page
// scrolls sideways; under 600 px tasks are cards; no page reports an
// error (a script the CSP blocked would). Then the keyboard: j and k move
// the selection and the focus, ? opens the help and Escape closes it, c
// claims the selected task and the list comes back saying so, r opens it.
// Last, the bots page follows a running run's counts and its end without a
// reload.
func TestInboxInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	pool := startPool(t, ctx, 2)
	e := newEnv(t)
	if _, err := e.svc.Assign(ctx, e.tasks[3].ID, 0, "staff", "supervisor"); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	var errs consoleErrors
	staff := newBrowser(t, ctx, pool, e.http.URL)
	staff.step("watch the console", func(p *rod.Page) { errs.watch(ctx, p) })
	staff.login("staff")
	sup := newBrowser(t, ctx, pool, e.http.URL)
	sup.step("watch the console", func(p *rod.Page) { errs.watch(ctx, p) })
	sup.login("supervisor")

	pages := []struct {
		who        *browser
		name, path string
	}{
		{staff, "inbox-staff", "/inbox"},
		{staff, "mywork-staff", "/work"},
		{sup, "inbox-supervisor", "/inbox"},
		{sup, "bots", "/bots"},
		{sup, "schedules", "/schedules"},
		{sup, "run", "/runs/" + e.run.ID},
		{sup, "audit", "/audit"},
	}
	for _, width := range []int{1440, 390} {
		for _, pg := range pages {
			var got pageLayout
			var cards bool
			pg.who.step(fmt.Sprintf("%s at %d px", pg.path, width), func(p *rod.Page) {
				got = pg.who.shoot(p, dir, pg.name, pg.path, width)
				if strings.HasPrefix(pg.name, "inbox") || strings.HasPrefix(pg.name, "mywork") {
					cards = p.MustEval(`() => getComputedStyle(document.querySelector("#tasks tr.task")).display !== "table-row"`).Bool()
				}
			})
			if got.Scroll > got.Inner {
				t.Errorf("%s at %d px is %d px wide (viewport %d)", pg.path, width, got.Scroll, got.Inner)
			}
			isList := strings.HasPrefix(pg.name, "inbox") || strings.HasPrefix(pg.name, "mywork")
			if isList && cards != (width < 600) {
				t.Errorf("%s at %d px: tasks laid out as cards = %v", pg.path, width, cards)
			}
		}
	}

	// The keyboard, on the oldest-first inbox at desktop width.
	first, second := strconv.FormatInt(e.tasks[0].ID, 10), strconv.FormatInt(e.tasks[1].ID, 10)
	selected := func(p *rod.Page) string {
		return p.MustEval(`() => { const s = document.querySelectorAll("#tasks tr.task.selected");
			const f = document.activeElement && document.activeElement.closest("tr.task");
			return s.length + ":" + (s[0] ? s[0].dataset.task : "") + ":" + (f ? f.dataset.task : ""); }`).Str()
	}
	staff.step("j and k", func(p *rod.Page) {
		if err := (proto.EmulationSetDeviceMetricsOverride{Width: 1440, Height: 900, DeviceScaleFactor: 1}).Call(p); err != nil {
			panic(err)
		}
		staff.open(p, "/inbox?sort=oldest")
		if title := *p.MustElement("#tasks time[datetime]").MustAttribute("title"); !strings.Contains(title, " · your time ") {
			panic("a deadline's hover text lacks the reader's time: " + title)
		}
		p.Keyboard.MustType(input.KeyJ)
		if got := selected(p); got != "1:"+first+":"+first {
			panic("after j: " + got)
		}
		p.Keyboard.MustType(input.KeyJ)
		if got := selected(p); got != "1:"+second+":"+second {
			panic("after j j: " + got)
		}
		p.Keyboard.MustType(input.KeyK)
		if got := selected(p); got != "1:"+first+":"+first {
			panic("after j j k: " + got)
		}
	})
	staff.step("? opens the help, Escape closes it", func(p *rod.Page) {
		p.Keyboard.MustType(input.Key('?'))
		if !p.MustElement("#kbd-help").MustVisible() {
			panic("? did not open the help")
		}
		p.Keyboard.MustType(input.Tab)
		if id := p.MustEval(`() => document.activeElement.id`).Str(); id != "kbd-help-close" {
			panic("Tab left the help dialog for " + id)
		}
		p.Keyboard.MustType(input.Escape)
		if p.MustElement("#kbd-help").MustVisible() {
			panic("Escape did not close the help")
		}
		if got := selected(p); got != "1:"+first+":"+first {
			panic("focus not back on the selected task after the help: " + got)
		}
	})
	staff.step("c claims the selected task", func(p *rod.Page) {
		wait := p.WaitNavigation(proto.PageLifecycleEventNameDOMContentLoaded)
		p.Keyboard.MustType(input.KeyC)
		wait()
		if u := p.MustInfo().URL; !strings.Contains(u, "/inbox?ok=claimed&sort=oldest") {
			panic("after c: " + u)
		}
		p.MustElementR(".flash", "Task claimed")
	})
	if got, err := e.store.Task(ctx, e.tasks[0].ID); err != nil || got.Assignee != "staff" || got.Status != orchestrator.TaskAssigned {
		t.Fatalf("after c the task is %+v (%v)", got, err)
	}
	staff.step("r opens the selected task", func(p *rod.Page) {
		p.Keyboard.MustType(input.KeyJ)
		p.Keyboard.MustType(input.KeyJ)
		wait := p.WaitNavigation(proto.PageLifecycleEventNameDOMContentLoaded)
		p.Keyboard.MustType(input.KeyR)
		wait()
		if u := p.MustInfo().URL; !strings.HasSuffix(u, "/tasks/"+second) {
			panic("after j j r: " + u)
		}
	})
	// Live progress: the bots page follows a running run without a reload
	// and says when it ends.
	run, _, err := e.store.CreateRun(ctx, orchestrator.Run{ID: "coding-holds@live", Bot: e.bot.Name, Slot: "live", Status: orchestrator.RunQueued, QueuedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartAttempt(ctx, run.ID, "w1", time.Now()); err != nil {
		t.Fatal(err)
	}
	sup.step("live progress", func(p *rod.Page) {
		sup.open(p, "/bots")
		p.MustElement(`[data-run="coding-holds@live"] [data-field="status"]`)
		if err := e.store.ReportProgress(ctx, run.ID, orchestrator.RunProgress{Pages: 7, Records: 175}); err != nil {
			panic(err)
		}
		p.Timeout(20*time.Second).MustElementR(`[data-run="coding-holds@live"] [data-field="records"]`, "^175$").CancelTimeout()
		if err := e.store.FinishAttempt(ctx, run.ID, orchestrator.RunSucceeded, "", time.Now()); err != nil {
			panic(err)
		}
		p.Timeout(20 * time.Second).MustElement(`[data-run="coding-holds@live"][data-ended="succeeded"]`).CancelTimeout()
		if got := p.MustElement(`[data-run="coding-holds@live"] [data-field="status"]`).MustText(); got != "succeeded" {
			panic("status after the run ended: " + got)
		}
	})
	if got := errs.all(); len(got) > 0 {
		t.Errorf("the pages reported errors: %q", got)
	}
	for _, b := range []*browser{staff, sup} {
		if *b.dialogs != 0 {
			t.Errorf("%d JavaScript dialogs opened", *b.dialogs)
		}
	}
}
