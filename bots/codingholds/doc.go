// Package codingholds is the coding-holds bot: it logs into a coding
// worklist portal, pages through the whole "not final billed" worklist and
// reports every account as an orchestrator.CodingHold observation, with a
// screenshot of each list page and a DOM snapshot of each detail page as
// evidence.
//
// It reads fast the way measurement on this project showed: one
// evaluation per list page returns all rows, and detail pages are fetched
// from inside the logged-in page (fetch + DOMParser) in batches rather
// than navigated to one by one.
//
// Every selector comes from the portal's selectors.File; the bot and its
// scripts contain none. It imports bots, selectors and orchestrator.
package codingholds
