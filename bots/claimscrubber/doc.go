// Package claimscrubber is the claim-scrubber bot: it logs into a claim
// scrubber (clearinghouse) portal, pages through every claim batch and
// every claim with edits, reads each edit from the screens, downloads the
// portal's CSV export of all edits from inside the logged-in page, and
// cross-checks the two. Every edit becomes an orchestrator.ClaimEdit
// observation routed by its owner team; where the screens and the export
// disagree, or a field cannot be read, the observation carries field
// problems instead of the run failing.
//
// Evidence: a screenshot of every list page, a DOM snapshot of every claim
// page, and the CSV export itself.
//
// It reads fast the way measurement on this project showed: one
// evaluation per list page returns all rows, and claim pages are fetched
// from inside the logged-in page (fetch + DOMParser) in batches. Server
// errors are retried a bounded number of times within the run.
//
// Every selector comes from the portal's selectors.File; the bot and its
// scripts contain none. It imports bots, selectors and orchestrator.
package claimscrubber
