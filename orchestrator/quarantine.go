package orchestrator

import (
	"context"
	"fmt"
)

// ReasonInvalidRecord is the reason of the task an exception item opens:
// a portal record intake could not file under its own id.
const ReasonInvalidRecord = "invalid_record"

// quarantine keeps a record whose external id failed CheckExternalID as an
// exception item: filed under QuarantineKey (so the same bad record is one
// item on every run), its data replaced by a QuarantinedRecord (the
// problem, an escaped excerpt of the id, its length and sha256; the rest
// of what the bot read stays in its evidence), flagged with the problem,
// and given to a person in its queue. Routing rules do not see it. The run
// goes on.
func (in *Intake) quarantine(ctx context.Context, run Run, obs Observation, problem error) (UpsertResult, error) {
	rec := quarantinedRecord(obs.ExternalID, problem)
	q := Observation{
		Portal: obs.Portal, ExternalID: QuarantineKey(obs.ExternalID), Kind: obs.Kind, Queue: obs.Queue,
		Data: rec, EvidenceID: obs.EvidenceID, Problems: []FieldProblem{{Field: "external_id", Problem: rec.Problem}},
	}
	u, err := NewItemUpsert(run.ID, in.now(), q)
	if err != nil {
		return UpsertResult{}, fmt.Errorf("orchestrator: intake: quarantine: %w", err)
	}
	res, err := in.store.UpsertItem(ctx, u)
	if err != nil {
		return UpsertResult{}, fmt.Errorf("orchestrator: intake: quarantine a record from %s: %w", q.Portal, err)
	}
	if in.tasks == nil {
		return res, nil
	}
	d := RouteDecision{
		Rule: ReasonInvalidRecord, Queue: in.quarantineQueue(res.Item), Priority: PriorityHigh,
		Detail: fmt.Sprintf("a %s record from %s could not be filed: %s; item %d keeps an excerpt, its length and hash",
			obs.Kind, obs.Portal, rec.Problem, res.Item.ID),
	}
	if _, _, err := in.tasks.Open(ctx, res.Item, d, RunActor(run.ID)); err != nil {
		return res, fmt.Errorf("orchestrator: intake: quarantine item %d: %w", res.Item.ID, err)
	}
	return res, nil
}

// quarantineQueue is the item's queue, or the automation queue when the
// routing file does not define it.
func (in *Intake) quarantineQueue(it WorkItem) string {
	if _, ok := in.tasks.Queues().Queue(it.Queue); ok {
		return it.Queue
	}
	return in.failureQueue(nil)
}
