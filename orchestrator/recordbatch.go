package orchestrator

import "context"

// RecordBatch is what a run's recorder writes at once: the evidence
// records of artefacts whose content is already in blob storage, and the
// observations made ready for the store. An item refers to a record of
// the same batch by a negative EvidenceID: -1 is Evidence[0], -2 is
// Evidence[1], and so on (PendingEvidenceID); a positive one is a record
// stored earlier.
type RecordBatch struct {
	Evidence []Evidence // ID, PrevHash and Hash are assigned by the store
	Items    []ItemUpsert
}

// PendingEvidenceID is the EvidenceID an item of a batch uses to refer to
// the batch's i-th evidence record.
func PendingEvidenceID(i int) int64 { return -int64(i) - 1 }

// PendingEvidenceIndex is the index PendingEvidenceID(i) refers to, and
// false for an id that refers to no record of a batch.
func PendingEvidenceIndex(id int64) (int, bool) {
	if id >= 0 {
		return 0, false
	}
	return int(-id - 1), true
}

// BatchResult is what RecordBatch stored: the evidence records as chained
// (or as stored before, for a capture already recorded) and each item's
// upsert result, both in input order.
type BatchResult struct {
	Evidence []Evidence
	Items    []UpsertResult
}

// BatchStore writes a recorder's batch.
type BatchStore interface {
	// RecordBatch appends b's evidence records to the chain (a record with
	// the RunID, SHA256 and URL of a stored one is not stored again, as in
	// AppendEvidence) and upserts its items like UpsertItem, with their
	// history, in one transaction: all of it is stored or none. The same
	// (portal, external id) twice in one batch is applied in order, as
	// two upserts would be. A reference to a record outside the batch's
	// evidence, or an invalid item, is ErrInvalid and stores nothing.
	RecordBatch(ctx context.Context, b RecordBatch) (BatchResult, error)
}
