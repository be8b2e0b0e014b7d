package writeback_test

import (
	"context"
	"fmt"

	"github.com/docket-rpa/docket/bots/writeback"
)

func ExampleWithRequest() {
	req := writeback.Request{
		ID:      "task-42",
		Account: "1004201234",
		Action:  writeback.ActionRoute,
		Params:  map[string]string{"queue": "CDI Review"},
	}
	fmt.Println(req.Validate(), req.Value())
	// The task layer puts the request in the run's context; Bot.Run reads it.
	ctx := writeback.WithRequest(context.Background(), req)
	got, ok := writeback.RequestFrom(ctx)
	fmt.Println(got.Account, ok)
	// Output:
	// <nil> CDI Review
	// 1004201234 true
}
