package bots

import "errors"

// Portal conditions every bot reports the same way, so the task layer maps
// them to retries, human tasks or alerts without knowing the bot. Bots wrap
// them with context (fmt.Errorf("...: %w", ErrX)); callers use errors.Is.
var (
	// ErrPortalUnavailable marks a portal that kept answering server
	// errors (5xx) after the bot's own retries. The task layer retries
	// the run later.
	ErrPortalUnavailable = errors.New("bots: portal unavailable")

	// ErrMaintenance marks a portal showing its planned-maintenance page.
	// The run ends at once with a screenshot of the page; retrying before
	// the window ends does not help.
	ErrMaintenance = errors.New("bots: portal is down for maintenance")

	// ErrLoginRejected marks credentials (or a second factor) the portal
	// refused. Retrying does not help; someone has to fix the credentials.
	ErrLoginRejected = errors.New("bots: portal rejected the login")

	// ErrSessionLost marks a portal session that ended mid-run and could
	// not be re-established.
	ErrSessionLost = errors.New("bots: portal session ended")
)
