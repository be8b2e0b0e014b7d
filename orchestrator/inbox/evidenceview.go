package inbox

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"

	"github.com/docket-rpa/docket/orchestrator"
)

// evidencePair is what the task page shows side by side: a screenshot
// and the DOM snapshot of the same page (either may be missing).
type evidencePair struct {
	Shot, DOM *orchestrator.Evidence
}

// pairEvidence groups evidence by run, newest run first, and pairs each
// run's DOM snapshots with its screenshots in capture order; what is left
// over stands alone. Anything else (an export) is returned as rest.
func pairEvidence(ev []orchestrator.Evidence) (pairs []evidencePair, rest []orchestrator.Evidence) {
	type runEv struct {
		latest      orchestrator.Evidence
		shots, doms []orchestrator.Evidence
	}
	runs := map[string]*runEv{}
	var order []*runEv
	for _, e := range ev {
		r, ok := runs[e.RunID]
		if !ok {
			r = &runEv{}
			runs[e.RunID] = r
			order = append(order, r)
		}
		if e.CapturedAt.After(r.latest.CapturedAt) || r.latest.ID == 0 {
			r.latest = e
		}
		switch {
		case e.Kind == orchestrator.EvidenceScreenshot && isImage(e):
			r.shots = append(r.shots, e)
		case e.Kind == orchestrator.EvidenceDOM && e.MediaType == "text/html":
			r.doms = append(r.doms, e)
		default:
			rest = append(rest, e)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].latest.CapturedAt.After(order[j].latest.CapturedAt) })
	for _, r := range order {
		byTime := func(l []orchestrator.Evidence) {
			sort.SliceStable(l, func(i, j int) bool { return l[i].CapturedAt.Before(l[j].CapturedAt) })
		}
		byTime(r.shots)
		byTime(r.doms)
		for i := 0; i < max(len(r.shots), len(r.doms)); i++ {
			var p evidencePair
			if i < len(r.shots) {
				p.Shot = &r.shots[i]
			}
			if i < len(r.doms) {
				p.DOM = &r.doms[i]
			}
			pairs = append(pairs, p)
		}
	}
	return pairs, rest
}

// failedRun is what a bot-failure task shows: the bot's latest failed run,
// its error in words and the screenshot taken where it failed.
type failedRun struct {
	Run  orchestrator.Run
	Shot *orchestrator.Evidence // the run's last screenshot; nil when none
	DOM  *orchestrator.Evidence // the run's last DOM snapshot; nil when none
}

// failedRunRuns bounds how far back a bot-failure task looks for the
// failed run.
const failedRunRuns = 50

// latestFailedRun finds the newest failed run of bot and the last
// screenshot and DOM snapshot it captured; ok is false when none failed.
func (s *Server) latestFailedRun(ctx context.Context, bot string) (failedRun, bool, error) {
	runs, err := s.cfg.Store.Runs(ctx, bot, failedRunRuns)
	if err != nil {
		return failedRun{}, false, err
	}
	for _, r := range runs {
		if r.Status != orchestrator.RunFailed {
			continue
		}
		f := failedRun{Run: r}
		ev, err := s.cfg.Store.RunEvidence(ctx, r.ID)
		if err != nil {
			return failedRun{}, false, err
		}
		for i := range ev {
			e := &ev[i]
			switch {
			case e.Kind == orchestrator.EvidenceScreenshot && isImage(*e) && (f.Shot == nil || !e.CapturedAt.Before(f.Shot.CapturedAt)):
				f.Shot = e
			case e.Kind == orchestrator.EvidenceDOM && e.MediaType == "text/html" && (f.DOM == nil || !e.CapturedAt.Before(f.DOM.CapturedAt)):
				f.DOM = e
			}
		}
		return f, true, nil
	}
	return failedRun{}, false, nil
}

// errNotPage answers a snapshot view of evidence that is not a page.
var errNotPage = errors.New("this evidence is not a page snapshot")

// evidencePage shows a DOM snapshot as the page it was, for the task
// page's sandboxed frame: served by record id after the route's role check
// (staff: snapshots hold patient data), verified against its hash and
// audited like any evidence view. The response is a sandbox (no script,
// no forms, no plugins, an opaque origin) whatever frames it, may only be
// framed by Docket's own pages, and may load only styles, images and
// fonts from the portal it was captured on (relative links resolve there
// through an injected <base>), so the page keeps its look.
func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request, p *principal) {
	e, err := s.evidenceRecord(r)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if e.Kind != orchestrator.EvidenceDOM || e.MediaType != "text/html" {
		s.renderStatus(w, r, p, http.StatusNotFound, errNotPage.Error())
		return
	}
	if s.cfg.Evidence == nil {
		s.deny(w, r, http.StatusServiceUnavailable, errNoEvidenceStore.Error())
		return
	}
	b, err := s.cfg.Evidence.Open(r.Context(), e)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.audit(r, p.User.Name, "evidence.viewed", s.evidenceSubject(r.Context(), e), e.Kind)
	origin := portalOrigin(e.URL)
	csp := "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
	if origin != "" {
		b = withBase(b, e.URL)
		csp = "sandbox; default-src 'none'; style-src 'unsafe-inline' " + origin + "; img-src data: " + origin + "; font-src " + origin +
			"; form-action 'none'; base-uri " + origin + "; frame-ancestors 'self'"
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Evidence-SHA256", e.SHA256)
	_, _ = w.Write(b)
}

// portalOrigin is the scheme://host[:port] of an http(s) address, as a CSP
// source; "" for anything else.
func portalOrigin(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !cspHost.MatchString(u.Host) {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// cspHost is a host[:port] that cannot break out of a CSP source list.
var cspHost = regexp.MustCompile(`^[A-Za-z0-9.\-\[\]:]+$`)

var headTag = regexp.MustCompile(`(?i)<head(\s[^>]*)?>`)

// withBase puts <base href=addr> first in the page's head (or first of
// all without one), so its relative stylesheets and images resolve on the
// portal, not on Docket.
func withBase(page []byte, addr string) []byte {
	base := []byte(`<base href="` + html.EscapeString(addr) + `">`)
	if loc := headTag.FindIndex(page); loc != nil {
		return append(append(append([]byte{}, page[:loc[1]]...), base...), page[loc[1]:]...)
	}
	return append(base, page...)
}
