package inbox

import (
	"context"
	"regexp"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

// Viewers see no patient identifiers anywhere. Task, item and evidence
// content routes start at staff (the route table); what viewers can reach
// (overview, bots, runs and their evidence lists) passes through these
// masks, which consult the record kind table (orchestrator.BuiltinKinds).
// Staff and above see everything as before.

// seesPHI reports whether p may see patient identifiers.
func (p *principal) seesPHI() bool { return p.Can(staff) }

// evidenceFor is e as p may see it: for a viewer, without the item's
// external id (an account number or claim id) and with the portal
// address cut to its first path segment.
func evidenceFor(p *principal, e orchestrator.Evidence) orchestrator.Evidence {
	if p.seesPHI() {
		return e
	}
	if e.ItemRef != "" {
		e.ItemRef = orchestrator.Masked
	}
	e.URL = orchestrator.RedactURL(e.URL)
	return e
}

// runFor is r as p may see it. Bots write errors that name rows and
// tasks, not accounts (their tests hold it); for a viewer the error is
// masked as well, should one not: web addresses are cut to their first
// path segment, any of refs (the external ids the run's evidence names)
// is masked, and so is every word with four digits or more in a row
// (account numbers, MRNs, claim ids, dates of birth).
func runFor(p *principal, r orchestrator.Run, refs ...string) orchestrator.Run {
	if p.seesPHI() || r.Error == "" {
		return r
	}
	msg := orchestrator.RedactURLs(r.Error)
	for _, ref := range refs {
		if ref != "" && ref != orchestrator.Masked {
			msg = strings.ReplaceAll(msg, ref, orchestrator.Masked)
		}
	}
	r.Error = digitWord.ReplaceAllString(msg, orchestrator.Masked)
	return r
}

// digitWord is a word holding four digits or more in a row.
var digitWord = regexp.MustCompile(`[^\s:;,()"'<>]*[0-9]{4,}[^\s:;,()"'<>]*`)

// runsFor is runFor over a list; for a viewer it reads the evidence of
// each failed run to mask the external ids it names.
func (s *Server) runsFor(ctx context.Context, p *principal, runs []orchestrator.Run) ([]orchestrator.Run, error) {
	out := make([]orchestrator.Run, len(runs))
	for i, r := range runs {
		if r.Error == "" || p.seesPHI() {
			out[i] = r
			continue
		}
		ev, err := s.cfg.Store.RunEvidence(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out[i] = runFor(p, r, evidenceRefs(ev)...)
	}
	return out, nil
}
