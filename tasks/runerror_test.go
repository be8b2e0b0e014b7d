package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/vault"
	"github.com/hibiken/asynq"
)

// TestRunErrorsInWords records the bots' real errors as the runner does
// (wrapped by the bot, marked SkipRetry on the last attempt) and checks
// what people read: the sentence for the condition, what to do, and none
// of the internal wording. It fails when a bot's sentinel text changes
// without orchestrator.RunErrorWords following.
func TestRunErrorsInWords(t *testing.T) {
	bot := orchestrator.Bot{Name: "coding-holds", Portal: "coding-worklist"}
	miss := &bots.SelectorMissError{Portal: "coding-worklist", Element: "worklist.table", Tried: []string{"css: table#worklist"}}
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"login rejected", fmt.Errorf("claimscrubber: %w", bots.ErrLoginRejected),
			[]string{"the portal rejected the sign-in for coding-worklist; check its credentials with `docket credentials set coding-worklist`"}},
		{"second factor", fmt.Errorf("claimscrubber: second factor: %w", bots.ErrLoginRejected), []string{"rejected the sign-in for coding-worklist"}},
		{"maintenance", fmt.Errorf("claimscrubber: batch list: %w", bots.ErrMaintenance), []string{"coding-worklist showed its maintenance page"}},
		{"unavailable", fmt.Errorf("claimscrubber: batch list answered HTTP 503 3 times: %w", bots.ErrPortalUnavailable),
			[]string{"coding-worklist kept answering with server errors", "check that the portal is up"}},
		{"session lost", fmt.Errorf("claimscrubber: claim page sent the bot to the login form 3 times: %w", bots.ErrSessionLost),
			[]string{"coding-worklist ended the bot's session"}},
		{"selector miss", fmt.Errorf("codingholds: read worklist: %w", miss),
			[]string{"no longer looks as its selector file expects (element worklist.table not found)", "`docket selectors check coding-worklist`"}},
		{"deadline", fmt.Errorf("codingholds: step open-account: %w", context.DeadlineExceeded), []string{"took longer than its time limit"}},
		{"no chromium", fmt.Errorf("%w: %w", errBrowserSession, bots.ErrNoChromium), []string{"found no Chromium"}},
		{"vault key", fmt.Errorf("cmd: credentials for coding-worklist: %w", vault.ErrWrongKey), []string{"`docket credentials set coding-worklist`"}},
		{"unknown", errors.New("codingholds: account row 12 has no hold reason column"), []string{"account row 12 has no hold reason column"}},
	}
	for _, c := range cases {
		recorded := fmt.Errorf("%w: %w", c.err, asynq.SkipRetry).Error()
		got := orchestrator.RunErrorWords(bot, recorded)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q\n  reads %q\n  want %q in it", c.name, recorded, got, w)
			}
		}
		for _, internal := range []string{"skip retry", "bots:", "codingholds:", "claimscrubber:", "tasks:", "context deadline", "vault:"} {
			if strings.Contains(got, internal) {
				t.Errorf("%s: %q reads %q, with the internal %q", c.name, recorded, got, internal)
			}
		}
	}
	if got := orchestrator.RunErrorWords(bot, ""); got != "" {
		t.Errorf("no error reads %q", got)
	}
	if got := orchestrator.RunErrorWords(orchestrator.Bot{}, "bots: portal rejected the login: skip retry for the task"); !strings.Contains(got, "for the portal") || !strings.Contains(got, "set PORTAL`") {
		t.Errorf("a run of an unknown bot reads %q", got)
	}
}
