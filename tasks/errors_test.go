package tasks

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/monitoring"
)

// Failed attempts map to a bounded set of reasons, whatever the wrapping.
func TestFailureReason(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("login: %w", bots.ErrLoginRejected), monitoring.ReasonLoginRejected},
		{fmt.Errorf("%w: HTTP 503", bots.ErrPortalUnavailable), monitoring.ReasonPortalUnavailable},
		{fmt.Errorf("x: %w", bots.ErrSessionLost), monitoring.ReasonSessionLost},
		{fmt.Errorf("step: %w", &bots.SelectorMissError{Portal: "p", Element: "e"}), monitoring.ReasonSelectorMiss},
		{fmt.Errorf("step: %w", context.DeadlineExceeded), monitoring.ReasonTimeout},
		{fmt.Errorf("x: %w", bots.ErrMaintenance), monitoring.ReasonMaintenance},
		{fmt.Errorf("%w: pool stopped", errBrowserSession), monitoring.ReasonBrowser},
		{errors.New("something else"), monitoring.ReasonOther},
	}
	for _, c := range cases {
		if got := failureReason(c.err); got != c.want {
			t.Errorf("failureReason(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("step: %w", &bots.SelectorMissError{Portal: "p", Element: "e"}),
		fmt.Errorf("login: %w", bots.ErrLoginRejected),
	} {
		if !permanent(err) {
			t.Errorf("%v should fail the run at once", err)
		}
	}
	for _, err := range []error{bots.ErrPortalUnavailable, bots.ErrMaintenance, bots.ErrSessionLost, context.DeadlineExceeded} {
		if permanent(err) {
			t.Errorf("%v should be retried", err)
		}
	}
}
