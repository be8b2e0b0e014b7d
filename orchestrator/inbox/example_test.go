package inbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/inbox"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

// The server declares the least role of every route; the guard enforces
// it. Here, the task routes.
func ExampleServer_Routes() {
	dir, err := os.MkdirTemp("", "docket-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: filepath.Join(dir, "docket.db")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	queues, _ := orchestrator.NewQueues(nil, orchestrator.DefaultQueues()...)
	tasks, _ := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: queues})
	srv, err := inbox.New(inbox.Config{Store: st, Users: st, Throttle: st, Schedules: st, Tasks: tasks})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rt := range srv.Routes() {
		if !rt.API && len(rt.Pattern) > 7 && rt.Pattern[:7] == "/tasks/" {
			fmt.Printf("%-4s %-32s %s\n", rt.Method, rt.Pattern, rt.Role)
		}
	}
	// Output:
	// GET  /tasks/{id}                      staff
	// POST /tasks/{id}/claim                staff
	// POST /tasks/{id}/release              staff
	// POST /tasks/{id}/comments             staff
	// POST /tasks/{id}/resolve              staff
	// POST /tasks/{id}/assign               supervisor
	// POST /tasks/{id}/retry-writeback      supervisor
}
