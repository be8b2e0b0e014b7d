package monitoring

import (
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestTaskReasonsKeepTheirCode: the automation team's tasks carry a bot's
// or a rule's name after a ':' ("bot-failure:<bot>", "rule_failed:<rule>");
// they are reported under their code (bot_failure, which the exceptions
// dashboard filters on, and rule_failed), not as "other", and never with
// the name. Known reasons pass by list; free text is still "other".
func TestTaskReasonsKeepTheirCode(t *testing.T) {
	open := func(reason, ref string) orchestrator.HumanTask {
		return orchestrator.HumanTask{Queue: "automation", Reason: reason, ItemRef: ref, Status: orchestrator.TaskUnassigned, CreatedAt: monday10}
	}
	tasks := []orchestrator.HumanTask{
		open("bot-failure:coding-holds", "bot:coding-holds"),
		open("bot-failure:claim-scrubber", "bot:claim-scrubber"),
		open("rule_failed:late_query", "rule:late_query"),
		open("rule_failed:stale_hold", "coding-worklist/A100"),
		open("invalid_record", "coding-worklist/exception-1"),
		open("action_failed", "coding-worklist/A101"),
		open("Denial2024Review", "coding-worklist/A102"), // a rule's name that fails the pattern
		open("LOVELACE, ADA:1234", "coding-worklist/A103"),
		open("Lovelace", "coding-worklist/A104"),
	}
	c := NewTaskCollector(TaskCollectorConfig{
		StoreCollectorConfig: StoreCollectorConfig{Queues: []string{"automation"}, Now: fixedNow},
		Reasons:              append(orchestrator.Reasons(), "Denial2024Review"),
		Tasks:                listTasks(tasks),
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	want := `
# HELP docket_human_tasks_open_by_reason Human tasks waiting for a person, by queue and reason (a routing rule, bot_failure, qa_sample).
# TYPE docket_human_tasks_open_by_reason gauge
docket_human_tasks_open_by_reason{queue="automation",reason="Denial2024Review"} 1
docket_human_tasks_open_by_reason{queue="automation",reason="action_failed"} 1
docket_human_tasks_open_by_reason{queue="automation",reason="bot_failure"} 2
docket_human_tasks_open_by_reason{queue="automation",reason="invalid_record"} 1
docket_human_tasks_open_by_reason{queue="automation",reason="other"} 2
docket_human_tasks_open_by_reason{queue="automation",reason="qa_sample"} 0
docket_human_tasks_open_by_reason{queue="automation",reason="rule_failed"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "docket_human_tasks_open_by_reason"); err != nil {
		t.Fatal(err)
	}
}
