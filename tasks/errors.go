package tasks

import (
	"context"
	"errors"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/monitoring"
)

// errBrowserSession marks an attempt that got no browser context.
var errBrowserSession = errors.New("tasks: browser session")

// permanent reports errors no retry can fix: a selector file that no
// longer matches the portal (a person must fix it), credentials the portal
// rejects (retrying risks locking the account) and a write-back request
// that cannot be carried out as asked. Such a run fails at once.
func permanent(err error) bool {
	return errors.Is(err, &bots.SelectorMissError{}) ||
		errors.Is(err, bots.ErrLoginRejected) ||
		errors.Is(err, writeback.ErrInvalidRequest)
}

// failureReason maps a failed attempt's error to a bounded metric label.
func failureReason(err error) string {
	switch {
	case errors.Is(err, &bots.SelectorMissError{}):
		return monitoring.ReasonSelectorMiss
	case errors.Is(err, bots.ErrLoginRejected):
		return monitoring.ReasonLoginRejected
	case errors.Is(err, bots.ErrMaintenance):
		return monitoring.ReasonMaintenance
	case errors.Is(err, bots.ErrPortalUnavailable):
		return monitoring.ReasonPortalUnavailable
	case errors.Is(err, bots.ErrSessionLost):
		return monitoring.ReasonSessionLost
	case errors.Is(err, context.DeadlineExceeded):
		return monitoring.ReasonTimeout
	case errors.Is(err, errBrowserSession):
		return monitoring.ReasonBrowser
	}
	return monitoring.ReasonOther
}
