package portalsim

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

// The variants' script-driven behaviour in real Chromium: the consent
// banner covering the login, "Load more", infinite scroll, the next
// button, the modal dialog, nested iframes, new tabs and JS dialogs, and
// the silent faults as a browser meets them. Waits are on page state,
// never on time; the page timeout only bounds a hung test.

const browserTimeout = 5 * time.Minute

// chromiumBin is Debian's headless shell, installed by make deps.
const chromiumBin = "/usr/lib/chromium/chromium-headless-shell"

func startBrowser(t *testing.T) *rod.Browser {
	t.Helper()
	if _, err := os.Stat(chromiumBin); err != nil {
		t.Fatalf("Chromium is required (make deps installs it): %v", err)
	}
	l := launcher.New().Bin(chromiumBin).Headless(true).Leakless(false).NoSandbox(os.Geteuid() == 0).
		Set("disable-gpu").Set("disable-dev-shm-usage").Set("window-size", "1366,900")
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("launch Chromium: %v", err)
	}
	t.Cleanup(l.Kill)
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// openPage opens url in a new incognito context.
func openPage(t *testing.T, b *rod.Browser, url string) *rod.Page {
	t.Helper()
	inc, err := b.Incognito()
	if err != nil {
		t.Fatal(err)
	}
	p, err := inc.Page(proto.TargetCreateTarget{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	p = p.Timeout(browserTimeout)
	if err := p.WaitLoad(); err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func elem(t *testing.T, p *rod.Page, sel string) *rod.Element {
	t.Helper()
	el, err := p.Element(sel)
	if err != nil {
		t.Fatalf("element %q: %v", sel, err)
	}
	return el
}

func click(t *testing.T, p *rod.Page, sel string) {
	t.Helper()
	must(t, elem(t, p, sel).Click(proto.InputMouseButtonLeft, 1))
}

func evalInt(t *testing.T, p *rod.Page, js string) int {
	t.Helper()
	v, err := p.Eval(js)
	if err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	return v.Value.Int()
}

func evalStr(t *testing.T, p *rod.Page, js string) string {
	t.Helper()
	v, err := p.Eval(js)
	if err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	return v.Value.Str()
}

func waitJS(t *testing.T, p *rod.Page, js string) {
	t.Helper()
	if err := p.Wait(rod.Eval(js)); err != nil {
		t.Fatalf("wait for %s: %v", js, err)
	}
}

// browserSignIn signs in through the page: the consent banner first
// (checking it covers the form), then every interstitial the variant
// declares, up to the worklist.
func browserSignIn(t *testing.T, p *rod.Page, variant string) {
	t.Helper()
	if variantSpecs[variant].has(InterstitialConsent) {
		_, err := elem(t, p, "#login-submit").Interactable()
		var covered *rod.CoveredError
		if !errors.As(err, &covered) {
			t.Fatalf("login button under the consent banner: %v, want covered", err)
		}
		click(t, p, "#consent-accept")
		waitJS(t, p, `() => !document.getElementById("consent-overlay")`)
	}
	must(t, elem(t, p, "#username").Input(UsernameDefault))
	must(t, elem(t, p, "#password").Input(PasswordDefault))
	wait := p.WaitNavigation(proto.PageLifecycleEventNameDOMContentLoaded)
	click(t, p, "#login-submit")
	wait()
	for range 5 {
		waitJS(t, p, `() => document.readyState !== "loading"`)
		path := evalStr(t, p, `() => location.pathname`)
		step, ok := strings.CutPrefix(path, "/welcome/")
		if !ok {
			if path != "/worklist" {
				t.Fatalf("signed in to %s, want /worklist", path)
			}
			return
		}
		switch step {
		case InterstitialFacility:
			must(t, elem(t, p, "#facility-select").Select([]string{facilityContexts[0]}, true, rod.SelectorTypeText))
		case InterstitialTerms:
			click(t, p, "#terms-accept")
		}
		wait := p.WaitNavigation(proto.PageLifecycleEventNameDOMContentLoaded)
		click(t, p, "#"+step+"-form button[type=submit]")
		wait()
	}
	t.Fatal("too many interstitials")
}

// loadsAfter waits until the page's script has finished more than n loads
// and returns the new count.
func loadsAfter(t *testing.T, p *rod.Page, n int) int {
	t.Helper()
	waitJS(t, p, `() => Number(document.body.dataset.loads || 0) > `+strconv.Itoa(n))
	return evalInt(t, p, `() => Number(document.body.dataset.loads)`)
}

func rowAccounts(t *testing.T, p *rod.Page, sel string) []string {
	t.Helper()
	v, err := p.Eval(`(sel) => [...document.querySelectorAll(sel)].map((e) => e.dataset.account)`, sel)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range v.Value.Arr() {
		out = append(out, x.Str())
	}
	return out
}

func accountNumbers(w *CodingWorklist) []string {
	var out []string
	for _, a := range w.Accounts() {
		out = append(out, a.Number)
	}
	return out
}

func equalStrings(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") }
