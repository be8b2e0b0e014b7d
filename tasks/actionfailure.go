package tasks

import (
	"context"
	"errors"
	"fmt"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/writeback"
)

// ActionRefusedError is a write-back the task layer refuses before the bot
// starts (the item has no account to act on). Reason is in words for
// people; it is what the task shows. It matches
// writeback.ErrInvalidRequest, so the run fails at once.
type ActionRefusedError struct{ Reason string }

func (e *ActionRefusedError) Error() string { return "tasks: write-back refused: " + e.Reason }

// Unwrap makes the refusal a writeback.ErrInvalidRequest.
func (e *ActionRefusedError) Unwrap() error { return writeback.ErrInvalidRequest }

// actionFailure says, in words for the people who see the task, why a
// write-back failed for good after attempts attempts. It never repeats an
// error's text (which may hold internal detail), only what it means.
func actionFailure(err error, attempts int) string {
	var refused *ActionRefusedError
	switch {
	case errors.As(err, &refused):
		return refused.Reason
	case errors.Is(err, writeback.ErrInvalidRequest):
		return "The write-back bot cannot carry out this action as asked (the portal does not offer it for this account)."
	case errors.Is(err, &bots.SelectorMissError{}):
		return "The portal's page has changed and the bot no longer finds its way on it; the automation team must update its selectors."
	case errors.Is(err, bots.ErrLoginRejected):
		return "The portal rejected the bot's sign-in; its credentials need checking."
	case errors.Is(err, bots.ErrMaintenance):
		return fmt.Sprintf("The portal was down for maintenance on all %d attempts.", attempts)
	case errors.Is(err, bots.ErrSessionLost):
		return fmt.Sprintf("The portal kept ending the bot's session (%d attempts).", attempts)
	case errors.Is(err, bots.ErrPortalUnavailable):
		return fmt.Sprintf("The portal did not answer properly on any of %d attempts.", attempts)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("The portal was too slow: the write-back ran out of time on %d attempts.", attempts)
	case errors.Is(err, errBrowserSession):
		return fmt.Sprintf("The worker's browser failed on all %d attempts.", attempts)
	}
	return fmt.Sprintf("The write-back failed on all %d attempts; the run's page has the details.", attempts)
}
