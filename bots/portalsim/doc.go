// Package portalsim implements Docket's demo portals: small, realistic,
// deterministic web applications that behave like the enterprise systems
// Docket's bots drive. They back `docket portal`, `docket demo`, the bot
// tests and the benchmarks.
//
// # Shared pieces (common_*.go)
//
// Every portal builds on the same login (password plus an optional TOTP
// second factor, see NewAuth), session store with forced expiry (Sessions)
// and fault knobs (NewFaults: latency, a random 5xx rate, a maintenance
// page), all changeable while the portal serves.
//
// # Coding worklist (coding_*.go)
//
// NewCodingWorklist serves an EHR-style "not final billed" coding worklist:
// a login with a TOTP second factor and an expiring session cookie, a
// worklist its page script renders from a JSON endpoint behind a spinner
// (filters, 10–100 rows a page), one detail page per account with hold
// reasons, documentation deficiencies, physician query, coder and vendor,
// and account actions (add a note, route to a queue, release a hold) with
// form tokens. The data is generated from a seed, so the same Config always
// serves the same accounts; Accounts and Actions return the ground truth
// for tests. Layout v2 renames ids and classes, moves and renames columns
// and labels and shows other date formats for the same data; Malformed
// makes some accounts carry bad data.
//
// # Layout variants and silent faults (coding_variant_*.go)
//
// Config.Variant serves the same accounts (v1 labels and value formats)
// with other markup and navigation, so flow packs can be proved against
// the ground truth: VariantCards (consent banner, facility picker, cards,
// "Load more", detail in a modal dialog as definition lists), VariantFrames
// (terms page, nested iframes, numbered pager, detail in a new tab as
// cards), VariantScroll (consent, a "continue" page, infinite scroll,
// an alert() on the worklist, confirm() then window.open), VariantButtons
// (facility picker, a next button without an href, confirm() before
// releasing a hold) and VariantPaged (terms and facility, the page-number
// URL template /worklist?page=N). Every layout offers the CSV export
// /worklist/export.csv. SilentFaults makes the portal silently wrong (a
// list that ends early, a count that says more, a broken next control, a
// shifted hold reason row, an undeclared "password expires" page); a
// flow must fail closed on each.
//
// # Imports
//
// portalsim imports only the standard library and the TOTP library. In
// particular it must not import bots or selectors (nor orchestrator): bots
// and their selector files are tested against this independent
// implementation, not against themselves.
package portalsim
