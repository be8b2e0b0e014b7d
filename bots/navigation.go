package bots

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"
)

// NavigationStatus reads the HTTP status of the page's main document from
// its Navigation Timing entry; 0 when the browser has none (a network
// error). Rod's Navigate does not report it.
func NavigationStatus(p *rod.Page) (int, error) {
	res, err := p.Eval(`() => { const e = performance.getEntriesByType("navigation")[0]; return e && e.responseStatus ? e.responseStatus : 0 }`)
	if err != nil {
		return 0, err
	}
	return res.Value.Int(), nil
}

// NavigatedAway reports a DevTools error raised because the page navigated
// while the bot evaluated in it ("Execution context was destroyed",
// "Inspected target navigated or closed"): read the new page instead.
func NavigatedAway(err error) bool {
	var ce *cdp.Error
	return errors.As(err, &ce) && ce.Code == -32000
}

// Backoff waits before retry number attempt+1: base doubled per attempt,
// at most max, or until ctx ends.
func Backoff(ctx context.Context, base, max time.Duration, attempt int) error {
	t := time.NewTimer(min(base<<min(attempt, 10), max))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("bots: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}
