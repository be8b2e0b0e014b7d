// Package benchmark measures Docket's bots against the demo portals
// (`make bench`): records per second with 1, 2 and 4 browser contexts,
// per-run overhead and marginal memory per context, each against a fresh
// browser launched per run and against plain HTTP without a browser (the
// floor), in the same invocation. It holds no production code.
package benchmark
