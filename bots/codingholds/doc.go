// Package codingholds is the coding-holds bot: it logs into a coding
// worklist portal (password and TOTP second factor), pages through the
// whole "not final billed" worklist and reports every account as an
// orchestrator.CodingHold observation, with a screenshot of each list page
// and a DOM snapshot of each detail page as evidence.
//
// It reads fast the way measurement on this project showed: one
// evaluation per list page returns all rows once the page's script has
// rendered them, and the account pages (rendered by the portal's server)
// are fetched over the browser session's cookies with Go's HTTP client and
// read with the same selector file (bots.Fetcher, bots.HTMLPage), several
// at once, while the browser goes on to the next worklist page.
//
// # Resilience
//
// The bot picks the layout the portal serves from Config.Layouts by each
// selector file's marker element, so a portal upgrade is handled by a new
// selector file, not new code. Server errors are retried with backoff per
// request; a session the portal ends mid-run is re-established and the run
// continues where it was, observing each account once. A maintenance page
// ends the run with bots.ErrMaintenance, a selector that no longer matches
// with a *bots.SelectorMissError carrying a screenshot; both after a
// screenshot of the page. Values that do not parse or validate (missing
// fields, malformed dates or codes, oversized or markup-laden text,
// unexpected columns) never fail the run: the account is observed with
// orchestrator.FieldProblems naming the field and the rule, never the
// value. Which selector candidate matched is reported to the recorder
// (Recorder.SelectorUsed), the "which fallback matched" metric.
//
// Every selector comes from the portal's selectors.File; the bot and its
// scripts contain none. It imports bots, selectors and orchestrator.
package codingholds
