package bots

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Politeness paces each portal's traffic across every worker of a fleet:
// how many sessions it has open at once and how many requests it is sent
// per second. A Pool with one asks it for a session slot before it lends
// a browser context (a run waiting for its portal holds no context),
// routes every request its pages make through Request (documents,
// scripts, styles, images, the pages' own fetches), and a Fetcher asks it
// before each request. bots/polite implements it over Redis.
type Politeness interface {
	// Session blocks until portal has a free session slot (or ctx ends);
	// release frees it and is safe to call twice.
	Session(ctx context.Context, portal string) (release func(), err error)
	// Request blocks until portal may be sent one more request.
	Request(ctx context.Context, portal string) error
	// Pause asks every worker to send portal nothing for d.
	Pause(ctx context.Context, portal string, d time.Duration) error
}

// Pauses after a portal answered 429 Too Many Requests (or 503 with a
// Retry-After).
const (
	// PauseDefault applies when the answer names no Retry-After.
	PauseDefault = 5 * time.Second
	// PauseMax caps a portal's Retry-After so one odd header cannot stop
	// the fleet for hours.
	PauseMax = 5 * time.Minute
)

// RetryAfter is how long an answer asks clients to wait: its Retry-After
// (seconds or an HTTP date) for a 429 or 503, PauseDefault for a 429
// without one, within PauseMax; 0 when the answer asks for no wait.
func RetryAfter(status int, h http.Header, now time.Time) time.Duration {
	if status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
		return 0
	}
	var d time.Duration
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			d = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			d = t.Sub(now)
		}
	}
	if d <= 0 && status == http.StatusTooManyRequests {
		d = PauseDefault
	}
	return min(d, PauseMax)
}

// paceRequests makes every request page sends wait for portal's request
// budget. The returned stop ends the pacing (waiting requests fail).
func paceRequests(page *rod.Page, pace Politeness, portal string) (stop func(), err error) {
	router := page.HijackRequests()
	err = router.Add("*", "", func(h *rod.Hijack) {
		if err := pace.Request(h.Request.Req().Context(), portal); err != nil {
			h.Response.Fail(proto.NetworkErrorReasonAborted)
			return
		}
		h.ContinueRequest(&proto.FetchContinueRequest{})
	})
	if err != nil {
		return nil, err
	}
	go router.Run()
	return func() { _ = router.Stop() }, nil
}
