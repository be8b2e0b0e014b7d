package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// The widths every journey step is looked at: a desktop and a phone.
const (
	desktopWidth = 1440
	phoneWidth   = 390
)

// axeTags are the rule sets a page must pass: WCAG 2.0, 2.1 and 2.2, levels
// A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeScript is axe-core's axe.min.js, which make test-deps installs from
// the npm registry (the version deploy/a11y/package-lock.json pins) into
// bin/npm. Missing, the suite fails and says how to get it.
func axeScript(t *testing.T) string {
	t.Helper()
	path := filepath.Join(repoRoot(t), "bin", "npm", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): `make test-deps` (or `make a11y-deps`) installs it into bin/npm", err)
	}
	return string(b)
}

// repoRoot is the module's root: the tests run in cmd/docket.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// journeyShots is where every step's screenshots go: bin/screenshots
// (gitignored), named journey-NN-step-width.png; a run starts it afresh,
// so what is there is what the last run saw.
func journeyShots(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "bin", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// person is one user's browser (an incognito context of its own) walking
// a journey. Everything the page says on its console as an error, every
// uncaught exception and every browser log entry of level error (a
// resource that failed to load, a CSP violation) is collected and fails
// the journey.
type person struct {
	t       *testing.T
	ctx     context.Context
	sess    *bots.Session
	base    string
	journey string
	axe     string
	shots   string
	n       int // steps looked at so far, for the screenshot names

	mu       sync.Mutex
	problems []string
	failed   map[string]bool // addresses whose error status the journey asks for
}

// expectFailed lets the browser's log of these pages' error statuses pass.
func (pp *person) expectFailed(paths ...string) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	for _, path := range paths {
		pp.failed[pp.base+path] = true
	}
}

func newPerson(t *testing.T, ctx context.Context, pool *bots.Pool, base, journey, axe, shots string) *person {
	t.Helper()
	s, err := pool.Session(ctx, bots.Target{Portal: "docket-web-" + journey, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.StepTimeout = 90 * time.Second // a loaded machine; never a timed assertion
	pp := &person{t: t, ctx: ctx, sess: s, base: base, journey: journey, axe: axe, shots: shots, failed: map[string]bool{}}
	pp.do("watch the console", func(p *rod.Page) {
		for _, enable := range []interface{ Call(proto.Client) error }{proto.RuntimeEnable{}, proto.LogEnable{}} {
			if err := enable.Call(p); err != nil {
				panic(err)
			}
		}
		go p.Context(ctx).EachEvent(func(e *proto.RuntimeConsoleAPICalled) {
			if e.Type == proto.RuntimeConsoleAPICalledTypeError || e.Type == proto.RuntimeConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, a.Description+a.Value.String())
				}
				pp.problem("console.%s: %s", e.Type, strings.Join(parts, " "))
			}
		}, func(e *proto.RuntimeExceptionThrown) {
			pp.problem("uncaught exception: %s", e.ExceptionDetails.Text+" "+exceptionText(e.ExceptionDetails))
		}, func(e *proto.LogEntryAdded) {
			if e.Entry.Level == proto.LogLogEntryLevelError && !pp.expected(e.Entry) {
				pp.problem("browser log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
			}
		}, func(e *proto.PageJavascriptDialogOpening) {
			// A confirm before a pause is answered yes, as the person would.
			_ = proto.PageHandleJavaScriptDialog{Accept: true}.Call(p)
		})()
	})
	return pp
}

func (pp *person) expected(e *proto.LogLogEntry) bool {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	return e.Source == proto.LogLogEntrySourceNetwork && pp.failed[e.URL]
}

func exceptionText(d *proto.RuntimeExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

func (pp *person) problem(format string, args ...any) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	pp.problems = append(pp.problems, fmt.Sprintf(format, args...))
}

// checkConsole fails the journey on anything the console collected.
func (pp *person) checkConsole(where string) {
	pp.t.Helper()
	pp.mu.Lock()
	got := pp.problems
	pp.problems = nil
	pp.mu.Unlock()
	for _, p := range got {
		pp.t.Errorf("%s %s: %s", pp.journey, where, p)
	}
}

// do runs one action on the page under the session's step deadline;
// rod's Must calls panic, which fails the journey with the step's name.
func (pp *person) do(name string, fn func(p *rod.Page)) {
	pp.t.Helper()
	start := time.Now()
	err := pp.sess.Step(pp.ctx, name, func(p *rod.Page) error { return rod.Try(func() { fn(p) }) })
	pp.t.Logf("%s: %s took %s", pp.journey, name, time.Since(start).Round(time.Millisecond))
	if err != nil {
		pp.t.Fatalf("%s: %s: %v", pp.journey, name, err)
	}
}

// open navigates to path and waits for the page.
func (pp *person) open(p *rod.Page, path string) {
	wait := p.WaitNavigation(proto.PageLifecycleEventNameLoad)
	p.MustNavigate(pp.base + path)
	wait()
}

// click clicks what selector finds (a link or a submit button) and waits
// for the page it leads to.
func (pp *person) click(p *rod.Page, selector string) {
	wait := p.WaitNavigation(proto.PageLifecycleEventNameLoad)
	p.MustElement(selector).MustClick()
	wait()
}

// path0 is the page's path and query, read in a step of its own.
func (pp *person) path0() string {
	var path string
	pp.do("read the address", func(p *rod.Page) { path = pp.path(p) })
	return path
}

// path is the page's path and query.
func (pp *person) path(p *rod.Page) string {
	u := p.MustInfo().URL
	return strings.TrimPrefix(u, pp.base)
}

// axeViolation is one failed axe rule with up to five of its elements.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

const axeRunJS = `async (tags) => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " "))}));
}`

// layoutJS measures how far the page scrolls sideways and names the
// widest elements when it does.
const layoutJS = `() => {
  const inner = document.documentElement.clientWidth, scroll = document.documentElement.scrollWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const widest = (box) => {
    const edge = box.getBoundingClientRect().right, out = [];
    for (const el of box.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > edge + 1 && el.children.length === 0) out.push(name(el) + " " + Math.round(r.width) + "px: " + (el.textContent || "").trim().slice(0, 40));
    }
    return out.slice(0, 3);
  };
  const wide = scroll > inner ? widest(document.body) : [];
  const scrolling = [];
  for (const el of document.querySelectorAll("main *")) {
    if (el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(el).overflowX)) scrolling.push(name(el) + " " + el.scrollWidth + ">" + el.clientWidth + " " + widest(el).join("; "));
  }
  return {inner, scroll, wide, scrolling};
}`

type pageLayout struct {
	Inner     int      `json:"inner"`
	Scroll    int      `json:"scroll"`
	Wide      []string `json:"wide"`      // what sticks out of the page
	Scrolling []string `json:"scrolling"` // boxes in main that scroll sideways, and what sticks out of them
}

// look is what every journey step ends with: at 1440 and at 390 px the
// page is screenshotted into bin/screenshots, checked with axe-core
// against WCAG 2.2 A and AA, and at 390 px checked for sideways
// scrolling; then the console must be clean. It returns the desktop
// screenshot's path.
func (pp *person) look(step string) string {
	pp.t.Helper()
	pp.n++
	name := fmt.Sprintf("%s-%02d-%s", pp.journey, pp.n, step)
	var desktop string
	for _, width := range []int{desktopWidth, phoneWidth} {
		var violations []axeViolation
		var lay pageLayout
		var shot string
		pp.do(fmt.Sprintf("look at %s at %d px", step, width), func(p *rod.Page) {
			if err := (proto.EmulationSetDeviceMetricsOverride{Width: width, Height: 900, DeviceScaleFactor: 1}).Call(p); err != nil {
				panic(err)
			}
			p.MustWaitStable()
			if err := p.MustEval(layoutJS).Unmarshal(&lay); err != nil {
				panic(err)
			}
			if !p.MustEval(`() => typeof axe !== "undefined"`).Bool() {
				if _, err := (proto.RuntimeEvaluate{Expression: pp.axe}).Call(p); err != nil {
					panic(err)
				}
			}
			res, err := p.Evaluate(rod.Eval(axeRunJS, axeTags).ByPromise())
			if err != nil {
				panic(err)
			}
			if err := json.Unmarshal([]byte(res.Value.JSON("", "")), &violations); err != nil {
				panic(err)
			}
			png, err := p.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
			if err != nil {
				panic(err)
			}
			shot = filepath.Join(pp.shots, fmt.Sprintf("%s-%d.png", name, width))
			if err := os.WriteFile(shot, png, 0o644); err != nil {
				panic(err)
			}
		})
		if width == desktopWidth {
			desktop = shot
		}
		for _, v := range violations {
			pp.t.Errorf("%s %s at %d px: axe %s (%s): %s\n  %s", pp.journey, step, width, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
			if v.ID == "scrollable-region-focusable" {
				pp.t.Logf("  scrolling sideways: %s", strings.Join(lay.Scrolling, "\n  "))
			}
		}
		if width == phoneWidth && lay.Scroll > lay.Inner {
			pp.t.Errorf("%s %s at %d px: the page is %d px wide, it scrolls sideways; widest: %v", pp.journey, step, width, lay.Scroll, lay.Wide)
		}
	}
	pp.do("back to desktop width", func(p *rod.Page) {
		if err := (proto.EmulationSetDeviceMetricsOverride{Width: desktopWidth, Height: 900, DeviceScaleFactor: 1}).Call(p); err != nil {
			panic(err)
		}
	})
	pp.checkConsole(step)
	return desktop
}

// fetch GETs path with the page's cookies (the pages' CSP lets no script
// fetch) and returns the status and content type.
func (pp *person) fetch(p *rod.Page, path string) (int, string) {
	req, err := http.NewRequestWithContext(pp.ctx, http.MethodGet, pp.base+path, nil)
	if err != nil {
		panic(err)
	}
	for _, c := range p.MustCookies() {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type")
}

// firstTask opens the first task the page lists whose item is not a bot
// (bot failures are the automation team's).
func (pp *person) firstTask(p *rod.Page) string {
	href := p.MustEval(`() => {
  for (const a of document.querySelectorAll('main a[href^="/tasks/"]')) {
    const row = a.closest("tr, li, article") || a;
    if (!row.textContent.includes("bot:")) return a.getAttribute("href");
  }
  return "";
}`).String()
	if href == "" {
		panic("the page lists no task for people at " + pp.path(p) + ": " + text(p, "main"))
	}
	pp.click(p, fmt.Sprintf(`main a[href=%q]`, href))
	return taskIDIn.FindStringSubmatch(href)[1]
}

// readmeShots is where `make screenshots` asks the suite to put the
// README's screens (DOCKET_TEST_README_SHOTS, deploy/docs/screenshots);
// empty, the suite keeps only bin/screenshots.
func readmeShots() string { return os.Getenv("DOCKET_TEST_README_SHOTS") }

// readme saves what a person sees first on the page, 1440 by 900 px, as
// name.png for the README when the run was asked for them.
func (pp *person) readme(name string) {
	pp.t.Helper()
	dir := readmeShots()
	if dir == "" {
		return
	}
	pp.do("screenshot "+name+" for the README", func(p *rod.Page) {
		if err := (proto.EmulationSetDeviceMetricsOverride{Width: desktopWidth, Height: 900, DeviceScaleFactor: 1}).Call(p); err != nil {
			panic(err)
		}
		p.MustEval(`() => window.scrollTo(0, 0)`)
		// The top of the full page: the same view without a scroll bar.
		png, err := p.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng,
			Clip: &proto.PageViewport{Width: desktopWidth, Height: 900, Scale: 1}})
		if err != nil {
			panic(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			panic(err)
		}
	})
}

// text is the visible text of what selector finds, whitespace collapsed.
func text(p *rod.Page, selector string) string {
	return strings.Join(strings.Fields(p.MustElement(selector).MustText()), " ")
}

// taskIDIn is the task id in a /tasks/ID path.
var taskIDIn = regexp.MustCompile(`/tasks/(\d+)`)
