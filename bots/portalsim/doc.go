// Package portalsim implements Docket's demo portals: small, realistic,
// deterministic web applications that behave like the enterprise systems
// Docket's bots drive. They back `docket portal`, `docket demo`, the bot
// tests and the benchmarks.
//
// # Coding worklist
//
// NewCodingWorklist serves an EHR-style "not final billed" coding worklist:
// a login form with a session cookie, a paginated server-rendered worklist
// and one detail page per account with its hold reasons, physician query
// and deficiencies. The data is generated from a seed, so the same Config
// always serves the same accounts; Accounts returns that ground truth for
// tests. Latency and FailRate inject faults and can be changed while the
// portal serves.
//
// # Imports
//
// portalsim imports only the standard library. In particular it must not
// import bots or selectors (nor orchestrator): bots and their selector
// files are tested against this independent implementation, not against
// themselves.
package portalsim
