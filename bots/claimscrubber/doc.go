// Package claimscrubber is the claim-scrubber bot: it logs into a claim
// scrubber (clearinghouse) portal, pages through every claim batch and
// every claim with edits, reads each edit from the screens, downloads the
// portal's CSV export of all edits over the signed-in session, and
// cross-checks the two. Every edit becomes an orchestrator.ClaimEdit
// observation routed by its owner team; where the screens and the export
// disagree, or a field cannot be read, the observation carries field
// problems instead of the run failing.
//
// Evidence: a screenshot of every list page, a DOM snapshot of every claim
// page, and the CSV export itself.
//
// It reads fast the way measurement on this project showed: one
// evaluation per list page the browser shows returns all rows, and the
// pages the portal renders on the server (claim pages, claim lists no
// screenshot is kept of, the export) are fetched over the browser
// session's cookies with Go's HTTP client and read with the same selector
// file (bots.Fetcher, bots.HTMLPage) in batches, not through Chromium,
// which spends several milliseconds of CPU on each. Server errors are
// retried a bounded number of times within the run.
//
// Every selector comes from the portal's selectors.File; the bot and its
// scripts contain none. It imports bots, selectors and orchestrator.
package claimscrubber
