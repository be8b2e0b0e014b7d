package writeback_test

import (
	"fmt"

	"github.com/docket-rpa/docket/bots/writeback"
)

func ExampleRequest() {
	req := writeback.Request{
		ID:      "task-42",
		Account: "1004201234",
		Action:  writeback.ActionRoute,
		Params:  map[string]string{"queue": "CDI Review"},
	}
	fmt.Println(req.Validate(), req.Value())
	// The task layer builds the request from the resolved task and passes
	// it to Bot.RunRequest.
	fmt.Println(writeback.Request{Action: writeback.ActionAddNote}.Validate())
	// Output:
	// <nil> CDI Review
	// writeback: invalid request: no account
}
