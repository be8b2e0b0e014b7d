package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/rules"
)

// TestDemoOpensTasksInEveryQueue runs `docket demo --once` with its
// default routing: every team queue gets open tasks, every assignee is a
// demo user who may work them, and write-back outcomes are offered only
// on items the write-back bot can act on.
func TestDemoOpensTasksInEveryQueue(t *testing.T) {
	dataDir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code, stdout, stderr := runMain(t, ctx, nil, "demo", "--once", "--data-dir", dataDir, "--http-addr", "127.0.0.1:0",
		"--portal-addr", "127.0.0.1:0", "--claims-portal-addr", "127.0.0.1:0", "--demo-accounts", "60", "--demo-claims", "30",
		"--log-level", "warn")
	if code != exitOK {
		t.Fatalf("demo --once: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	st := openTestStore(t, filepath.Join(dataDir, "docket.db"))
	staffUsers := map[string]bool{}
	for _, u := range demoUsers {
		if u.Role.Includes(orchestrator.RoleStaff) {
			staffUsers[u.Name] = true
		}
	}
	router, err := rules.Load(demoRules)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{orchestrator.QueueCoding, orchestrator.QueueCDI, orchestrator.QueueBilling,
		orchestrator.QueueRevenueIntegrity, orchestrator.QueueAutomation} {
		tasks, err := st.Tasks(ctx, orchestrator.TaskFilter{Queue: q, Open: true, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) == 0 {
			t.Errorf("queue %s: no open task after demo --once", q)
		}
		for _, task := range tasks {
			if task.Assignee != "" && !staffUsers[task.Assignee] {
				t.Errorf("queue %s: task %d assigned to %q, not a demo staff user", q, task.ID, task.Assignee)
			}
		}
		qc, ok := router.Queues().Queue(q)
		if !ok {
			t.Fatalf("the demo routing lacks queue %s", q)
		}
		for _, m := range qc.Members {
			if !staffUsers[m] {
				t.Errorf("queue %s: member %q is not a demo staff user", q, m)
			}
		}
	}
	// Write-back outcomes: the write-back bot writes a note on coding
	// holds; a queue that only ever holds claim edits offers none.
	billing, _ := router.Queues().Queue(orchestrator.QueueBilling)
	for _, o := range billing.Outcomes {
		if o.WriteBack {
			t.Errorf("billing (claim edits only) offers write-back outcome %s", o.Name)
		}
	}
}

// TestExampleRulesAssignDemoUsers: deploy/rules.example.yaml assigns only
// to users the demo has (it named people who existed nowhere).
func TestExampleRulesAssignDemoUsers(t *testing.T) {
	r, err := rules.LoadFile("../../deploy/rules.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]orchestrator.Role{}
	for _, u := range demoUsers {
		users[u.Name] = u.Role
	}
	for _, name := range r.Queues().Names() {
		q, _ := r.Queues().Queue(name)
		for _, m := range q.Members {
			if role, ok := users[m]; !ok || !role.Includes(orchestrator.RoleStaff) {
				t.Errorf("queue %s: member %q is not a demo staff user", name, m)
			}
		}
	}
}
