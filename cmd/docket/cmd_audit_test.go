package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

// seedAudit records an item with a screenshot, a task claimed and
// resolved, in the data directory the commands will use.
func seedAudit(t *testing.T, dataDir string) (*sqlstore.Store, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: filepath.Join(dataDir, "docket.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ev, err := evidence.Open(ctx, evidence.Config{URL: "file://" + filepath.Join(dataDir, "evidence")}, st)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	shot, err := ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
		Content: []byte("\x89PNG account A1"), URL: "http://portal/accounts/A1", Bot: "coding-holds", RunID: "coding-holds@1", ItemRef: "A1"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := orchestrator.NewItemUpsert("coding-holds@1", time.Now(), orchestrator.Observation{Portal: "coding-worklist", ExternalID: "A1",
		Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, EvidenceID: shot.ID, Data: orchestrator.CodingHold{AccountNumber: "A1"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.UpsertItem(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := orchestrator.NewQueues(nil, orchestrator.DefaultQueues()...)
	tasks, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: qs})
	if err != nil {
		t.Fatal(err)
	}
	task, _, err := tasks.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "ncci", Queue: orchestrator.QueueCoding}, "run:coding-holds@1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Claim(ctx, task.ID, 0, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Resolve(ctx, task.ID, 0, "alice", orchestrator.Resolution{Outcome: "not_an_issue"}); err != nil {
		t.Fatal(err)
	}
	return st, res.Item.ID
}

func TestAuditVerifyDetectsAnEditedRow(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := []string{"DOCKET_DATA_DIR=" + dir, "DOCKET_LOG_LEVEL=error"}
	st, _ := seedAudit(t, dir)
	code, out, errOut := runMain(t, ctx, env, "audit", "verify")
	if code != 1 || !strings.Contains(errOut, "no ledger key") {
		t.Fatalf("verify without a ledger key: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runMain(t, ctx, env, "audit", "checkpoint"); code != 0 || !strings.Contains(out, "ledger checkpoint: 11 records") {
		t.Fatalf("checkpoint: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runMain(t, ctx, env, "audit", "verify")
	if code != 0 || !strings.Contains(out, "audit log intact: 5 entries, head 5:") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	head := strings.Fields(out)[6] // "5:<hash>"
	// Someone with database access drops the guard and edits one row.
	_ = st
	db := rawDB(t, filepath.Join(dir, "docket.db"))
	if _, err := db.ExecContext(ctx, `DROP TRIGGER audit_log_append_only_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE audit_log SET actor = 'user:bob' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runMain(t, ctx, env, "audit", "verify")
	if code != 1 || !strings.Contains(errOut, "audit chain broken at 3: hash does not match the record's fields (edited)") {
		t.Fatalf("after an edit: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := db.ExecContext(ctx, `UPDATE audit_log SET actor = 'user:alice' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runMain(t, ctx, env, "audit", "verify", "--expect-head", head); code != 0 {
		t.Fatalf("restored: exit %d\n%s%s", code, out, errOut)
	}
	// Removing the last entry leaves a valid, shorter chain: the ledger,
	// checked against the signed checkpoint, catches it without a head.
	if _, err := db.ExecContext(ctx, `DROP TRIGGER audit_log_append_only_delete`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 5`); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runMain(t, ctx, env, "audit", "verify")
	if code != 1 || !strings.Contains(errOut, "(audit entry 5): the record is gone (deleted)") {
		t.Fatalf("after removing the tail: exit %d: %s", code, errOut)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runMain(t, ctx, env, "audit", "verify")
	if code != 1 || !strings.Contains(errOut, "audit chain broken at 3") {
		t.Fatalf("after removing an entry: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runMain(t, ctx, env, "audit", "verify", "--expect-head", "x"); code != 2 {
		t.Fatalf("bad flag: exit %d: %s", code, errOut)
	}
}

func TestEvidenceExportAndVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := []string{"DOCKET_DATA_DIR=" + dir, "DOCKET_LOG_LEVEL=error"}
	_, id := seedAudit(t, dir)
	out := filepath.Join(t.TempDir(), "a1.tar.gz")
	code, stdout, errOut := runMain(t, ctx, env, "evidence", "export", "--item", "coding-worklist/A1", "--out", out)
	if code != 0 || !strings.Contains(stdout, "1 artefacts") {
		t.Fatalf("export: exit %d\n%s%s", code, stdout, errOut)
	}
	code, stdout, errOut = runMain(t, ctx, env, "evidence", "verify", out)
	if code != 0 || !strings.Contains(stdout, "intact") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, errOut)
	}
	bundleDir := filepath.Join(t.TempDir(), "a1")
	if code, stdout, errOut := runMain(t, ctx, env, "evidence", "export", "--item", itoa(id), "--out", bundleDir); code != 0 {
		t.Fatalf("export dir: exit %d\n%s%s", code, stdout, errOut)
	}
	shots, _ := filepath.Glob(filepath.Join(bundleDir, "screenshots", "*"))
	if len(shots) != 1 {
		t.Fatalf("screenshots %v", shots)
	}
	if err := os.WriteFile(shots[0], []byte("\x89PNG doctored"), 0o640); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runMain(t, ctx, nil, "evidence", "verify", bundleDir)
	if code != 1 || !strings.Contains(errOut, "is NOT intact") || !strings.Contains(errOut, filepath.Base(shots[0])) {
		t.Fatalf("verify a doctored bundle: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runMain(t, ctx, env, "evidence", "export", "--out", out); code != 2 {
		t.Fatalf("export without a scope: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runMain(t, ctx, env, "evidence", "export", "--since", "yesterday", "--out", out+"2"); code != 2 {
		t.Fatalf("export with a bad date: exit %d: %s", code, errOut)
	}
	since := filepath.Join(t.TempDir(), "since")
	if code, stdout, errOut := runMain(t, ctx, env, "evidence", "export", "--since", "2020-01-01", "--out", since); code != 0 {
		t.Fatalf("export since: exit %d\n%s%s", code, stdout, errOut)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// rawDB opens the SQLite file directly, as someone tampering with the
// database would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// The ledger key can come from the environment, shared by every process;
// a machine that only verifies needs the public key alone.
func TestLedgerKeyFromEnvironment(t *testing.T) {
	ctx := context.Background()
	code, out, errOut := runMain(t, ctx, nil, "audit", "keygen")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "ledger_key: PRIVATE+KEY+docket-ledger+") {
		t.Fatalf("keygen: exit %d\n%s%s", code, out, errOut)
	}
	skey := strings.TrimPrefix(lines[0], "ledger_key: ")
	vkey := strings.TrimPrefix(lines[1], "ledger_verifier_key: ")
	dir := t.TempDir()
	seedAudit(t, dir)
	env := []string{"DOCKET_DATA_DIR=" + dir, "DOCKET_LOG_LEVEL=error"}
	if code, out, errOut := runMain(t, ctx, append(env, "DOCKET_LEDGER_KEY="+skey), "audit", "checkpoint"); code != 0 {
		t.Fatalf("checkpoint: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "ledger.key")); !os.IsNotExist(err) {
		t.Fatalf("a key file was written although the key came from the environment: %v", err)
	}
	code, out, errOut = runMain(t, ctx, append(env, "DOCKET_LEDGER_VERIFIER_KEY="+vkey), "audit", "verify")
	if code != 0 || !strings.Contains(out, "ledger intact: 11 records") {
		t.Fatalf("verify with the public key: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runMain(t, ctx, append(env, "DOCKET_LEDGER_KEY=PRIVATE+KEY+nonsense"), "audit", "checkpoint")
	if code != 2 || !strings.Contains(errOut, "ledger_key") || strings.Contains(errOut, "nonsense") {
		t.Fatalf("bad key: exit %d: %s", code, errOut)
	}
}

// --content reads every artefact back: a screenshot replaced in the
// evidence store is named.
func TestAuditVerifyContent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := []string{"DOCKET_DATA_DIR=" + dir, "DOCKET_LOG_LEVEL=error"}
	seedAudit(t, dir)
	if code, out, errOut := runMain(t, ctx, env, "audit", "checkpoint"); code != 0 {
		t.Fatalf("checkpoint: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runMain(t, ctx, env, "audit", "verify", "--content"); code != 0 {
		t.Fatalf("verify --content: exit %d\n%s%s", code, out, errOut)
	}
	blobs, _ := filepath.Glob(filepath.Join(dir, "evidence", "sha256", "*", "*"))
	if len(blobs) != 1 {
		t.Fatalf("blobs %v", blobs)
	}
	if err := os.WriteFile(blobs[0], []byte("\x89PNG doctored"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runMain(t, ctx, env, "audit", "verify"); code != 0 {
		t.Fatalf("verify without --content reads no artefact: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut := runMain(t, ctx, env, "audit", "verify", "--content")
	if code != 1 || !strings.Contains(errOut, "evidence content is NOT intact") || !strings.Contains(errOut, "record 1") {
		t.Fatalf("verify --content of a doctored screenshot: exit %d: %s", code, errOut)
	}
}
