package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

// seedGetStore writes runs, items and a task into a SQLite database and
// returns its path. An item's data holds a patient's name, which docket get
// must never print.
func seedGetStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "docket.db")
	st, err := sqlstore.Open(ctx, sqlstore.Config{URL: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	bot := orchestrator.Bot{Name: "coding-holds", Kind: "coding-holds", Portal: "coding-worklist", Schedule: "*/15 * * * *",
		Timezone: "UTC", MaxRetry: 3, Timeout: time.Minute, RetryDelay: time.Second, Enabled: true}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.UpsertBot(ctx, bot))
	for i, end := range []orchestrator.RunStatus{orchestrator.RunSucceeded, orchestrator.RunFailed, orchestrator.RunSucceeded} {
		id := "coding-holds@manual-" + string(rune('a'+i))
		_, _, err := st.CreateRun(ctx, orchestrator.Run{ID: id, Bot: bot.Name, Slot: orchestrator.SlotManual, Status: orchestrator.RunQueued,
			QueuedAt: at.Add(time.Duration(i) * time.Hour)})
		must(err)
		_, err = st.StartAttempt(ctx, id, "w1", at.Add(time.Duration(i)*time.Hour+time.Second))
		must(err)
		msg := ""
		if end == orchestrator.RunFailed {
			msg = "coding-worklist: sign-in rejected\x1b[2J\u202e: skip retry for the task"
		}
		must(st.FinishAttempt(ctx, id, end, msg, at.Add(time.Duration(i)*time.Hour+time.Minute)))
	}
	for i, name := range []string{"Jane Doe", "John Roe"} {
		u, err := orchestrator.NewItemUpsert("coding-holds@manual-a", at, orchestrator.Observation{
			Portal: "coding-worklist", ExternalID: "ACC100" + string(rune('1'+i)), Kind: orchestrator.KindCodingHold, Queue: "coding",
			Data: map[string]string{"patient_name": name}})
		must(err)
		_, err = st.UpsertItem(ctx, u)
		must(err)
	}
	items, err := st.Items(ctx, orchestrator.ItemFilter{})
	must(err)
	_, _, err = st.CreateTask(ctx, orchestrator.HumanTask{ItemID: items[0].ID, Queue: "coding", Reason: "missing_documentation",
		Status: orchestrator.TaskUnassigned, Priority: orchestrator.PriorityHigh, ItemRef: "coding-worklist/ACC1001",
		Detail: "Jane Doe's chart lacks an op note", CreatedAt: at, UpdatedAt: at, DueAt: at.Add(72 * time.Hour)})
	must(err)
	return path
}

func TestGetListsFromTheStore(t *testing.T) {
	t.Parallel()
	db := seedGetStore(t)
	get := func(args ...string) (int, string, string) {
		t.Helper()
		return runMain(t, context.Background(), nil, append(append([]string{"get"}, args...),
			"--database-url", db, "--data-dir", t.TempDir(), "--log-level", "error")...)
	}
	jsonKeys := func(out string) ([]map[string]any, []string) {
		t.Helper()
		var recs []map[string]any
		if err := json.Unmarshal([]byte(out), &recs); err != nil {
			t.Fatalf("not JSON records: %v\n%s", err, out)
		}
		var keys []string
		if len(recs) > 0 {
			for k := range recs[0] {
				keys = append(keys, k)
			}
			sort.Strings(keys)
		}
		return recs, keys
	}

	t.Run("runs", func(t *testing.T) {
		code, out, stderr := get("runs")
		if code != exitOK || strings.Count(out, "\n") != 4 || !strings.HasPrefix(out, "ID") {
			t.Fatalf("exit %d, stderr %q, table:\n%s", code, stderr, out)
		}
		if strings.ContainsAny(out, "\x1b\u202e") || strings.Contains(out, "skip retry") || !strings.Contains(out, `sign-in rejected\u{001B}[2J\u{202E}`) {
			t.Errorf("the failed run's error is not escaped in words:\n%s", out)
		}
		_, out, _ = get("runs", "--status", "failed", "-o", "json")
		recs, keys := jsonKeys(out)
		want := []string{"attempts", "bot", "created", "error", "finished_at", "id", "pages", "queued_at", "records", "screenshots",
			"slot", "started_at", "status", "unchanged", "updated", "worker"}
		if len(recs) != 1 || recs[0]["status"] != "failed" || !reflect.DeepEqual(keys, want) {
			t.Errorf("runs --status failed: %d records, keys %v\n%s", len(recs), keys, out)
		}
		if recs[0]["error"] != "coding-worklist: sign-in rejected\x1b[2J\u202e" || recs[0]["queued_at"] != "2026-12-01T10:00:00Z" {
			t.Errorf("failed run record %v", recs[0])
		}
		_, out, _ = get("runs", "--limit", "1", "-o", "json")
		if recs, _ := jsonKeys(out); len(recs) != 1 || recs[0]["id"] != "coding-holds@manual-c" {
			t.Errorf("runs --limit 1 is not the newest run: %s", out)
		}
	})
	t.Run("bots", func(t *testing.T) {
		_, out, _ := get("bots", "-o", "json")
		recs, _ := jsonKeys(out)
		i := slices.IndexFunc(recs, func(r map[string]any) bool { return r["name"] == "coding-holds" })
		want := []string{"enabled", "kind", "last_run_at", "last_run_id", "last_run_status", "name", "portal", "schedule", "timezone"}
		if len(recs) != 3 || i < 0 || recs[i]["last_run_status"] != "succeeded" || recs[i]["last_run_id"] != "coding-holds@manual-c" ||
			recs[i]["last_run_at"] != "2026-12-01T11:00:00Z" || len(recs[i]) != len(want) {
			t.Errorf("bots (the seeded one and the configured ones), want keys %v:\n%s", want, out)
		}
		if _, out, _ := get("bots", "--bot", "coding-holds"); strings.Count(out, "\n") != 2 || !strings.Contains(out, "*/15 * * * * UTC") {
			t.Errorf("bots --bot coding-holds:\n%s", out)
		}
		if code, _, stderr := get("bots", "--bot", "nosuch"); code != exitUsage || !strings.Contains(stderr, "nosuch") {
			t.Errorf("unknown bot: exit %d, %q", code, stderr)
		}
	})
	t.Run("items", func(t *testing.T) {
		code, table, _ := get("items")
		_, out, _ := get("items", "-o", "json")
		recs, keys := jsonKeys(out)
		want := []string{"id", "kind", "portal", "priority", "queue", "status", "updated_at"}
		if code != exitOK || len(recs) != 2 || !reflect.DeepEqual(keys, want) || recs[0]["kind"] != "coding_hold" {
			t.Errorf("items: keys %v\n%s", keys, out)
		}
		for _, o := range []string{table, out} {
			if strings.Contains(o, "Doe") || strings.Contains(o, "Roe") || strings.Contains(o, "ACC100") {
				t.Errorf("items print patient data or account numbers:\n%s", o)
			}
		}
		if _, out, _ := get("items", "--status", "failed", "-o", "json"); strings.TrimSpace(out) != "[]" {
			t.Errorf("items --status failed: %s", out)
		}
	})
	t.Run("tasks", func(t *testing.T) {
		code, table, _ := get("tasks", "--status", "open")
		_, out, _ := get("tasks", "--queue", "coding", "-o", "json")
		recs, keys := jsonKeys(out)
		want := []string{"assignee", "created_at", "due_at", "id", "item_id", "priority", "queue", "reason", "sla_state", "status"}
		if code != exitOK || len(recs) != 1 || !reflect.DeepEqual(keys, want) || recs[0]["reason"] != "missing_documentation" ||
			!strings.Contains(table, "missing_documentation") {
			t.Errorf("tasks: keys %v\n%s\n%s", keys, table, out)
		}
		if strings.Contains(table+out, "Doe") {
			t.Errorf("tasks print the detail's patient name:\n%s\n%s", table, out)
		}
		if _, out, _ := get("tasks", "--queue", "billing", "-o", "json"); strings.TrimSpace(out) != "[]" {
			t.Errorf("tasks --queue billing: %s", out)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, args := range [][]string{{"runs", "-o", "yaml"}, {"runs", "--status", "done"}, {"items", "--limit", "0"}, {"tasks", "--bot", "x"}} {
			if code, _, stderr := get(args...); code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
			}
		}
	})
}
