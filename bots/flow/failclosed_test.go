package flow

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/docket-rpa/docket/orchestrator"
)

// TestFailsClosed runs the coding-holds flow against the portal's
// "silently wrong" faults: each run that read less than the portal holds,
// or met a page it does not know, fails with its reason and a screenshot
// of where it was; none succeeds.
func TestFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent portalsim.SilentFaults
		step   time.Duration
		want   error
		reason string
	}{
		{"list ends early", portalsim.SilentFaults{EndEarly: 12}, 0, nil, "the worklist says it holds 30 records, but the run read 12 on 2 pages: it ended early"},
		{"count says more", portalsim.SilentFaults{CountExtra: 4}, 0, nil, "the worklist says it holds 34 records, but the run read 30 on 3 pages"},
		{"next page cannot be followed", portalsim.SilentFaults{BrokenNext: true}, 0, bots.ErrPortalUnavailable, "worklist page 2 did not load its rows"},
		{"undeclared page after sign-in", portalsim.SilentFaults{Survey: true}, 3 * time.Second, ErrUnexpectedPage, "after sign-in: the page shows none of login_otp, login_error, worklist_table (http://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, portalsim.Config{Seed: 21, Accounts: 30, PageSize: 10, Silent: tc.silent}, nil)
			rec, err := runBot(t, newBot(t), fx.target, tc.step)
			if err == nil {
				t.Fatalf("the run succeeded with %d of 30 accounts", len(rec.Obs))
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Run = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Run = %q, want the reason %q", err, tc.reason)
			}
			shots := rec.Captures(orchestrator.EvidenceScreenshot)
			if len(shots) == 0 || !bytes.HasPrefix(shots[len(shots)-1].Content, []byte("\x89PNG")) || shots[len(shots)-1].Purpose != orchestrator.PurposeFailure {
				t.Errorf("no failure screenshot (%d screenshots)", len(shots))
			}
			for _, a := range fx.portal.Accounts() {
				if strings.Contains(err.Error(), a.Number) || strings.Contains(err.Error(), a.PatientName) {
					t.Errorf("the error names an account: %s", err)
				}
			}
		})
	}
}
