// Package bundle writes and verifies evidence bundles: everything an
// auditor needs to check one work item (or everything since a date)
// without access to Docket.
//
// A bundle is a directory or a .tar.gz holding:
//
//	manifest.json     format, scope, and the sha256 and size of every other file
//	chain.json        the chain proof: for the audit log and the evidence
//	                  chain, the contiguous segment exported (first and last
//	                  record, the hash the segment links to, the last hash)
//	                  and the chain heads when exported
//	audit.json        the audit segment, every entry with prev_hash and hash
//	evidence.json     the evidence segment, every record with prev_hash and hash
//	items.json        the work items in scope (state and observed data)
//	history.json      their history
//	tasks.json        their human tasks and comments
//	screenshots/      the content of the evidence records in scope, named by sha256
//
// Verify recomputes everything offline: file hashes against the manifest,
// every chain link and record hash, every artefact against its record's
// sha256, and every lifecycle history entry against its audit entry. It
// reports the first problem, naming the file and record.
//
// It imports orchestrator only.
package bundle
