package orchestrator

import (
	"fmt"
	"time"
)

// Bot is a configured automation: which portal it drives, when it runs and
// how the queue treats a failed attempt. Credentials are not part of a Bot;
// they are resolved by the worker at run time and never stored with it.
type Bot struct {
	Name       string        // unique, e.g. "coding-holds"
	Kind       string        // which bot implementation runs it, e.g. "coding-holds"
	Portal     string        // portal key, e.g. "coding-worklist"
	Schedule   string        // cron expression (5 fields); empty means manual only
	Timezone   string        // IANA zone the schedule is read in; default UTC
	MaxRetry   int           // attempts after the first before the run fails
	Timeout    time.Duration // deadline for one attempt
	RetryDelay time.Duration // delay before the next attempt
	Enabled    bool
}

// Validate reports the first field that makes the bot unusable.
func (b Bot) Validate() error {
	switch {
	case b.Name == "":
		return fmt.Errorf("%w: bot name is empty", ErrInvalid)
	case b.Kind == "":
		return fmt.Errorf("%w: bot %q: kind is empty", ErrInvalid, b.Name)
	case b.Portal == "":
		return fmt.Errorf("%w: bot %q: portal is empty", ErrInvalid, b.Name)
	case b.MaxRetry < 0:
		return fmt.Errorf("%w: bot %q: max_retry %d is negative", ErrInvalid, b.Name, b.MaxRetry)
	case b.Timeout <= 0:
		return fmt.Errorf("%w: bot %q: timeout must be positive", ErrInvalid, b.Name)
	case b.RetryDelay < 0:
		return fmt.Errorf("%w: bot %q: retry_delay is negative", ErrInvalid, b.Name)
	}
	if b.Timezone != "" {
		if _, err := time.LoadLocation(b.Timezone); err != nil {
			return fmt.Errorf("%w: bot %q: timezone %q: %v", ErrInvalid, b.Name, b.Timezone, err)
		}
	}
	return nil
}
