package orchestrator

import (
	"context"
	"fmt"
)

// StoreBatch applies what run's bot read as one batch: the evidence
// records (content already in blob storage) and every observation with a
// usable external id are stored in one transaction (BatchStore); an
// observation refers to a record of evidence by PendingEvidenceID. A
// record whose external id fails CheckExternalID is quarantined after it,
// as Observe does. Results are in input order; route them with RouteBatch.
//
// An observation that is not valid (NewItemUpsert) or a store error
// stores nothing of the batch and is returned: the caller's run fails and
// its retry reads the portal again.
func (in *Intake) StoreBatch(ctx context.Context, run Run, evidence []Evidence, obs []Observation) (BatchResult, error) {
	b := RecordBatch{Evidence: evidence}
	var stored, quarantined []int // indexes into obs
	now := in.now()
	for i, o := range obs {
		if err := CheckExternalID(o.ExternalID); err != nil && o.ExternalID != "" {
			quarantined = append(quarantined, i)
			continue
		}
		u, err := NewItemUpsert(run.ID, now, o)
		if err != nil {
			return BatchResult{}, fmt.Errorf("orchestrator: intake: observation %d of the batch: %w", i, err)
		}
		stored = append(stored, i)
		b.Items = append(b.Items, u)
	}
	res := BatchResult{Items: make([]UpsertResult, len(obs))}
	if len(b.Items) > 0 || len(b.Evidence) > 0 {
		got, err := in.store.RecordBatch(ctx, b)
		if err != nil {
			return BatchResult{}, fmt.Errorf("orchestrator: intake: %w", err)
		}
		res.Evidence = got.Evidence
		for k, i := range stored {
			res.Items[i] = got.Items[k]
		}
	}
	for _, i := range quarantined {
		o := obs[i]
		if j, ok := PendingEvidenceIndex(o.EvidenceID); ok {
			o.EvidenceID = res.Evidence[j].ID
		}
		r, err := in.quarantine(ctx, run, o, CheckExternalID(o.ExternalID))
		res.Items[i] = r
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// RouteBatch routes the items StoreBatch stored for obs (quarantined ones
// were given to a person already), as Observe does. Every item is routed
// even when one fails; the first error is returned (the items are stored,
// and a retry of the run routes them again).
func (in *Intake) RouteBatch(ctx context.Context, run Run, obs []Observation, res []UpsertResult) error {
	if in.router == nil {
		return nil
	}
	var first error
	for i, o := range obs {
		if res[i].Outcome == "" || (CheckExternalID(o.ExternalID) != nil && o.ExternalID != "") {
			continue
		}
		if err := in.route(ctx, run, o, res[i]); err != nil && first == nil {
			first = err
		}
	}
	return first
}
