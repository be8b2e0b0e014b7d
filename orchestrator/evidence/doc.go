// Package evidence keeps captured evidence (screenshots, DOM snapshots):
// the bytes in blob storage through gocloud.dev/blob, content-addressed by
// sha256, and the hash-chained records in an orchestrator.Store. It
// implements orchestrator.EvidenceStore and verifies the whole chain and
// every blob against it.
//
// It imports orchestrator and gocloud.dev, never sqlstore, bots, tasks or
// cmd. Evidence content is never logged.
package evidence
