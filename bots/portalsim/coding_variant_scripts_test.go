package portalsim

import (
	"strconv"
	"strings"
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// browserPortal serves a variant and signs in to it in Chromium; alerts
// receives the message of the alert() the worklist greets with, which is
// accepted as it shows.
func browserPortal(t *testing.T, variant string, silent SilentFaults) (w *CodingWorklist, p *rod.Page, alerts <-chan string) {
	t.Helper()
	w, srv := newVariant(t, variant, Config{Accounts: 34, PageSize: 10, Silent: silent, RenderDelay: -1})
	b := startBrowser(t)
	p = openPage(t, b, srv.URL+"/worklist")
	got := make(chan string, 1)
	if variantSpecs[variant].alertConfirm {
		wait, handle := p.HandleDialog()
		go func() {
			d := wait()
			_ = handle(&proto.PageHandleJavaScriptDialog{Accept: true})
			got <- string(d.Type) + ": " + d.Message
		}()
	}
	browserSignIn(t, p, variant)
	return w, p, got
}

func TestBrowserCards(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent SilentFaults
		want   int
	}{{"whole", SilentFaults{}, 34}, {"end early", SilentFaults{EndEarly: 13}, 13}, {"broken next", SilentFaults{BrokenNext: true}, 10}} {
		t.Run(tc.name, func(t *testing.T) {
			w, p, _ := browserPortal(t, VariantCards, tc.silent)
			n := loadsAfter(t, p, 0)
			for clicks := 0; evalStr(t, p, `() => String(document.getElementById("load-more").hidden)`) == "false"; clicks++ {
				if tc.silent.BrokenNext && clicks == 1 {
					break // the button stays and does nothing
				}
				click(t, p, "#load-more")
				n = loadsAfter(t, p, n)
			}
			got := rowAccounts(t, p, "#card-list .acct-card")
			if !equalStrings(got, accountNumbers(w)[:tc.want]) {
				t.Fatalf("cards %v, want the first %d accounts", got, tc.want)
			}
			if c := evalStr(t, p, `() => document.getElementById("list-count").textContent`); c != "Showing 1–"+strconv.Itoa(tc.want)+" of 34 accounts" {
				t.Errorf("count %q", c)
			}
			if tc.name != "whole" {
				return
			}
			// The detail opens in a modal dialog on the list page.
			click(t, p, ".acct-card:nth-child(3) .card-open")
			waitJS(t, p, `() => document.getElementById("account-dialog").open`)
			if evalStr(t, p, `() => String(document.getElementById("account-dialog").matches(":modal"))`) != "true" {
				t.Error("dialog is not modal")
			}
			if got := evalStr(t, p, `() => document.querySelector("#dialog-body #account-detail").dataset.account`); got != got3(w) {
				t.Errorf("dialog shows %q, want %s", got, got3(w))
			}
			click(t, p, "#dialog-close")
			waitJS(t, p, `() => !document.getElementById("account-dialog").open`)
		})
	}
}

func got3(w *CodingWorklist) string { return w.Accounts()[2].Number }

func TestBrowserScroll(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent SilentFaults
		want   int
	}{{"whole", SilentFaults{}, 34}, {"end early", SilentFaults{EndEarly: 13}, 13}, {"broken next", SilentFaults{BrokenNext: true}, 10}} {
		t.Run(tc.name, func(t *testing.T) {
			w, p, alerts := browserPortal(t, VariantScroll, tc.silent)
			if a := <-alerts; !strings.HasPrefix(a, "alert: Accounts checked out") {
				t.Errorf("worklist greets with %q, want an alert", a)
			}
			n := loadsAfter(t, p, 0)
			if tc.silent.BrokenNext {
				// The sentinel is in view after page 1; the script tries
				// page 2 at once, which fails without a word.
				loadsAfter(t, p, 1)
				if evalStr(t, p, `() => String(document.getElementById("list-end").hidden && !!document.getElementById("scroll-sentinel"))`) != "true" {
					t.Error("broken next: the list says it ended")
				}
			}
			for !tc.silent.BrokenNext && evalStr(t, p, `() => String(document.getElementById("list-end").hidden)`) == "true" {
				must(t, evalErr(p, `() => window.scrollTo(0, document.body.scrollHeight)`))
				n = loadsAfter(t, p, n)
			}
			got := rowAccounts(t, p, "#acct-table tbody tr")
			if !equalStrings(got, accountNumbers(w)[:tc.want]) {
				t.Fatalf("rows %v, want the first %d accounts", got, tc.want)
			}
			if c := evalStr(t, p, `() => document.getElementById("list-count").textContent`); c != "Showing 1–"+strconv.Itoa(tc.want)+" of 34 accounts" {
				t.Errorf("count %q", c)
			}
			if tc.name != "whole" {
				return
			}
			// Opening an account asks confirm(), then opens a window.
			acct := w.Accounts()[0].Number
			wait, handle := p.HandleDialog()
			open := p.WaitOpen()
			go func() { _ = elem(t, p, "a.acct-open").Click(proto.InputMouseButtonLeft, 1) }()
			d := wait()
			if d.Type != proto.PageDialogTypeConfirm || !strings.Contains(d.Message, acct) {
				t.Fatalf("dialog %s %q, want a confirm naming %s", d.Type, d.Message, acct)
			}
			must(t, handle(&proto.PageHandleJavaScriptDialog{Accept: true}))
			np, err := open()
			must(t, err)
			np = np.Timeout(browserTimeout)
			waitJS(t, np, `() => document.readyState === "complete" && !!document.getElementById("account-detail")`)
			if got := evalStr(t, np, `() => document.getElementById("account-detail").dataset.account`); got != acct {
				t.Errorf("new window shows %q, want %s", got, acct)
			}
		})
	}
}

func evalErr(p *rod.Page, js string) error {
	_, err := p.Eval(js)
	return err
}

func TestBrowserButtons(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent SilentFaults
		want   int
	}{{"whole", SilentFaults{}, 34}, {"broken next", SilentFaults{BrokenNext: true}, 10}} {
		t.Run(tc.name, func(t *testing.T) {
			w, p, _ := browserPortal(t, VariantButtons, tc.silent)
			if evalStr(t, p, `() => String(document.getElementById("next-btn").hasAttribute("href"))`) != "false" {
				t.Fatal("next button has an href")
			}
			n := loadsAfter(t, p, 0)
			got := rowAccounts(t, p, "#acct-table tbody tr")
			for clicks := 0; evalStr(t, p, `() => String(document.getElementById("next-btn").disabled)`) == "false"; clicks++ {
				if tc.silent.BrokenNext && clicks == 1 {
					break
				}
				before := rowAccounts(t, p, "#acct-table tbody tr")
				click(t, p, "#next-btn")
				n = loadsAfter(t, p, n)
				if after := rowAccounts(t, p, "#acct-table tbody tr"); !equalStrings(after, before) {
					got = append(got, after...)
				}
			}
			if !equalStrings(got, accountNumbers(w)[:tc.want]) {
				t.Fatalf("rows %v, want the first %d accounts", got, tc.want)
			}
			if tc.name != "whole" {
				return
			}
			// Releasing a hold asks confirm(): cancelled, nothing is done;
			// accepted, the hold is released once.
			a := w.Accounts()[0]
			must(t, p.Navigate(strings.TrimSuffix(evalStr(t, p, `() => location.origin`), "/")+"/accounts/"+a.Number))
			must(t, p.WaitLoad())
			for _, accept := range []bool{false, true} {
				wait, handle := p.HandleDialog()
				// Set up before the click: it cannot be while the dialog
				// blocks the page.
				nav := p.WaitNavigation(proto.PageLifecycleEventNameDOMContentLoaded)
				go func() { _ = elem(t, p, "#release-submit").Click(proto.InputMouseButtonLeft, 1) }()
				if d := wait(); d.Type != proto.PageDialogTypeConfirm || !strings.Contains(d.Message, a.HoldReasons[0].Code) {
					t.Fatalf("dialog %s %q, want a confirm naming %s", d.Type, d.Message, a.HoldReasons[0].Code)
				}
				must(t, handle(&proto.PageHandleJavaScriptDialog{Accept: accept}))
				if accept {
					nav()
				}
				if got := len(w.Actions()); got != map[bool]int{false: 0, true: 1}[accept] {
					t.Fatalf("confirm answered %v: %d actions", accept, got)
				}
			}
		})
	}
}

func TestBrowserFrames(t *testing.T) {
	w, p, _ := browserPortal(t, VariantFrames, SilentFaults{})
	app, err := elem(t, p, "iframe#app-frame").Frame()
	must(t, err)
	var list *rod.Page
	var got []string
	for pg := 1; ; pg++ {
		waitJS(t, app, `() => { const d = document.getElementById("list-frame").contentDocument;
			return d && d.readyState === "complete" && d.querySelector("#num-pager [aria-current=page]") && d.querySelector("#num-pager [aria-current=page]").textContent === "`+strconv.Itoa(pg)+`" }`)
		list, err = elem(t, app, "iframe#list-frame").Frame()
		must(t, err)
		got = append(got, rowAccounts(t, list, "#acct-table tbody tr")...)
		has, next, err := list.HasR("#num-pager a.page-num", "^"+strconv.Itoa(pg+1)+"$")
		must(t, err)
		if !has {
			break
		}
		must(t, next.Click(proto.InputMouseButtonLeft, 1))
	}
	if !equalStrings(got, accountNumbers(w)) {
		t.Fatalf("rows %v, want every account", got)
	}
	// An account link opens the detail in a new tab.
	open := p.WaitOpen()
	must(t, elem(t, list, "a.acct-link").Click(proto.InputMouseButtonLeft, 1))
	np, err := open()
	must(t, err)
	np = np.Timeout(browserTimeout)
	waitJS(t, np, `() => document.readyState === "complete" && !!document.getElementById("account-detail")`)
	want := evalStr(t, list, `() => document.querySelector("a.acct-link").textContent`)
	if got := evalStr(t, np, `() => document.getElementById("account-detail").dataset.account`); got != want {
		t.Errorf("new tab shows %q, want %s", got, want)
	}
	if n := evalInt(t, np, `() => document.querySelectorAll("#account-cards .field-card").length`); n < 10 {
		t.Errorf("detail shows %d field cards", n)
	}
}
