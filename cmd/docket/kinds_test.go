package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"golang.org/x/crypto/bcrypt"
)

// TestOneKindRegistryPerProcess: the registry a process's pack loader
// fills (app.kinds) is the one its inbox renders and its metrics count
// by. A kind declared after start shows with its labels on the task page
// and under its name in docket_open_work_items.
func TestOneKindRegistryPerProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := defaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = filepath.Join(cfg.DataDir, "docket.db")
	cfg.LogLevel = "error"
	a, err := newApp(cfg, io.Discard)
	mustf(t, err, "app")
	defer a.close()
	st, err := a.openStore(ctx)
	mustf(t, err, "store")
	defer st.Close()
	rdb, err := a.openRedis(ctx, startRedis(t).URL)
	mustf(t, err, "redis")
	defer rdb.Close()
	mustf(t, a.exportFleetMetrics(st, rdb), "metrics")
	queues, err := orchestrator.NewQueues(nil, orchestrator.DefaultQueues()...)
	mustf(t, err, "queues")
	svc, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: queues})
	mustf(t, err, "task service")
	mux := http.NewServeMux()
	mustf(t, a.mountInbox(st, inboxDeps{Tasks: svc}, mux), "inbox")
	web := httptest.NewServer(mux)
	defer web.Close()

	// The pack loads after start.
	mustf(t, a.kinds.Replace("denials", []orchestrator.RecordKind{{Kind: "payer_denial", Label: "Payer denial",
		Queue: orchestrator.QueueBilling, Key: []string{"claim_number"}, PHI: []string{"claim_number"},
		Fields: []orchestrator.KindField{{Name: "claim_number", Label: "Claim", Type: orchestrator.FieldText},
			{Name: "denied_cents", Label: "Denied", Type: orchestrator.FieldMoneyCents}}}}), "replace")
	u, err := orchestrator.NewItemUpsert("denials@1", time.Now(), orchestrator.Observation{Portal: "payer-portal", ExternalID: "CLM-9",
		Kind: "payer_denial", Queue: orchestrator.QueueBilling, Data: map[string]any{"claim_number": "CLM-9", "denied_cents": 250000}})
	mustf(t, err, "upsert")
	res, err := st.UpsertItem(ctx, u)
	mustf(t, err, "upsert")
	// An item of a kind no pack declares any more counts as other.
	u, err = orchestrator.NewItemUpsert("old@1", time.Now(), orchestrator.Observation{Portal: "old-portal", ExternalID: "X-1",
		Kind: "retired_kind", Queue: orchestrator.QueueBilling, Data: map[string]any{"x": 1}})
	mustf(t, err, "upsert")
	_, err = st.UpsertItem(ctx, u)
	mustf(t, err, "upsert")
	task, _, err := svc.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "big-denial", Queue: orchestrator.QueueBilling,
		Priority: orchestrator.PriorityNormal}, orchestrator.RunActor("denials@1"))
	mustf(t, err, "open task")

	hash, err := bcrypt.GenerateFromPassword([]byte("staff-pass"), bcrypt.MinCost)
	mustf(t, err, "hash")
	_, err = st.CreateUser(ctx, orchestrator.User{Name: "staff", Role: orchestrator.RoleStaff, PasswordHash: string(hash)})
	mustf(t, err, "user")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(web.URL+"/login", url.Values{"name": {"staff"}, "password": {"staff-pass"}})
	mustf(t, err, "login")
	resp.Body.Close()
	resp, err = c.Get(web.URL + "/tasks/" + strconv.FormatInt(task.ID, 10))
	mustf(t, err, "task page")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "<caption>Payer denial</caption>") ||
		!strings.Contains(page, `data-field="denied_cents" data-type="money_cents"><bdi>$2,500.00</bdi>`) {
		t.Fatalf("task page %d does not render the pack's kind:\n%.3000s", resp.StatusCode, page)
	}

	mfs, err := a.reg.Gather()
	mustf(t, err, "gather")
	found := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "docket_open_work_items" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["queue"] == "billing" && labels["status"] == "new" {
				found[labels["kind"]] = m.GetGauge().GetValue()
			}
		}
	}
	if found["payer_denial"] != 1 || found["other"] != 1 || found["coding_hold"] != 0 || len(found) != 4 {
		t.Fatalf("docket_open_work_items{queue=billing,status=new} by kind: %v; want payer_denial 1, other 1, the built-ins 0", found)
	}
	if n, err := testutil.GatherAndLint(a.reg, "docket_open_work_items"); err != nil || len(n) > 0 {
		t.Fatalf("lint: %v %v", n, err)
	}
}
