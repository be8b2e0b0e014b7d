package orchestrator

import (
	"context"
	"fmt"
)

// ReasonRuleFailed prefixes the reason of the automation task a routing
// rule that failed at run time opens: "rule_failed:<rule>", one open task
// per rule and item (per rule for a run-failure rule).
const ReasonRuleFailed = "rule_failed"

// rulesFailed opens an automation task for each rule in ruleErr that
// failed on item (nil for a run-failure rule). The task names the rule, the
// expression and the item's internal id, never the data the rule read.
func (in *Intake) rulesFailed(ctx context.Context, run Run, item *WorkItem, ruleErr error) error {
	for _, re := range RuleErrors(ruleErr) {
		d := RouteDecision{Rule: ReasonRuleFailed + ":" + re.Rule, Queue: in.failureQueue(item), Priority: PriorityHigh}
		var err error
		if item != nil {
			d.Detail = fmt.Sprintf("routing rule %q failed at run time on item %d (its %s expression; run %s): "+
				"the rule was skipped for this item; fix the rule or the item's data", re.Rule, item.ID, re.Part, run.ID)
			_, _, err = in.tasks.Open(ctx, *item, d, RunActor(run.ID))
		} else {
			d.Detail = fmt.Sprintf("routing rule %q failed at run time on failed run %s of bot %s (its %s expression): "+
				"the rule was skipped", re.Rule, run.ID, run.Bot, re.Part)
			_, _, err = in.tasks.open(ctx, HumanTask{Reason: d.Rule, ItemRef: "rule:" + re.Rule, ItemKey: re.Rule}, d, RunActor(run.ID))
		}
		if err != nil {
			return fmt.Errorf("orchestrator: intake: open task for failed rule %q: %w", re.Rule, err)
		}
	}
	return nil
}

// failureQueue is the automation queue, or the item's queue (the first
// queue for a failed run) when the routing file has none.
func (in *Intake) failureQueue(item *WorkItem) string {
	qs := in.tasks.Queues()
	if _, ok := qs.Queue(QueueAutomation); ok {
		return QueueAutomation
	}
	if item != nil {
		if _, ok := qs.Queue(item.Queue); ok {
			return item.Queue
		}
	}
	if names := qs.Names(); len(names) > 0 {
		return names[0]
	}
	return QueueAutomation // open fails with a clear error
}
