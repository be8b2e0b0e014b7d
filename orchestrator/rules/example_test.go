package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
)

func ExampleLoad() {
	router, err := rules.Load([]byte(`
queues:
  - name: billing
    sla: {target_days: 2}
    outcomes: [{name: units_corrected, writeback: true}]
rules:
  - name: mue-absolute
    when: kind == "claim_edit" && data.category == "mue" && data.mue_adjudication_indicator == "2"
    queue: billing
    priority: high
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := json.Marshal(map[string]string{"category": "mue", "mue_adjudication_indicator": "2"})
	ds, _ := router.Route(context.Background(), orchestrator.RouteInput{
		Item: orchestrator.WorkItem{Kind: orchestrator.KindClaimEdit, Data: data},
	}, time.Now())
	fmt.Println(ds[0].Rule, ds[0].Queue, ds[0].Priority)

	_, err = rules.Load([]byte("queues: [{name: billing, sla: {target_days: 2}, outcomes: [{name: done}]}]\n" +
		"rules: [{name: typo, when: 'data.category = \"mue\"', queue: billing}]\n"))
	fmt.Println(err)
	// Output:
	// mue-absolute billing high
	// rules: rule "typo": when: unexpected token Operator("=") (1:15)
}
