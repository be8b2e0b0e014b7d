package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/bundle"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for the tamperer's own connection
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The tamper matrix: someone with write access to the database (who drops
// the append-only triggers first) edits, deletes, truncates, or rewrites a
// record and recomputes every hash that needs no signing key — for audit
// entries, bot and human item history, item data and evidence records, on
// SQLite and PostgreSQL; and the same four attacks on an exported bundle.
// Every row must be caught by `docket audit verify` or `docket evidence
// verify`, run as the real commands.

// matrixEnv is one data directory and database the commands share.
type matrixEnv struct {
	env     []string
	dir     string
	dialect string
	db      *sql.DB // the tamperer's own connection
	st      *sqlstore.Store
	ev      *evidence.Store
}

const matrixPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func newMatrixEnv(t *testing.T, dialect string) *matrixEnv {
	t.Helper()
	ctx := context.Background()
	m := &matrixEnv{dir: t.TempDir(), dialect: dialect}
	m.env = []string{"DOCKET_DATA_DIR=" + m.dir, "DOCKET_LOG_LEVEL=error"}
	cfg := sqlstore.Config{URL: filepath.Join(m.dir, "docket.db")}
	if dialect == "postgres" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		schema := "docket_tamper_" + hex.EncodeToString(b)
		cfg = sqlstore.Config{URL: matrixPostgres, Schema: schema}
		url := matrixPostgres + "&search_path=" + schema
		m.env = append(m.env, "DOCKET_DATABASE_URL="+url)
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		m.db = db
		t.Cleanup(func() {
			_, _ = db.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
			_ = db.Close()
		})
	} else {
		m.db = rawDB(t, filepath.Join(m.dir, "docket.db"))
	}
	st, err := sqlstore.OpenAndMigrate(ctx, cfg)
	if err != nil {
		t.Fatalf("PostgreSQL and SQLite must be available: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	m.st = st
	ev, err := evidence.Open(ctx, evidence.Config{URL: "file://" + filepath.Join(m.dir, "evidence")}, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ev.Close() })
	m.ev = ev
	m.seed(t)
	return m
}

// seed records what a day of work leaves: screenshots, bot observations
// (created, then updated), a task claimed and resolved, a second item.
func (m *matrixEnv) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	at := time.Now().Add(-time.Hour)
	for i, acct := range []string{"A1", "B2"} {
		for run := range 2 {
			runID := fmt.Sprintf("coding-holds@%d", run)
			shot, err := m.ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
				Content: []byte("png " + acct + runID), URL: "http://portal/accounts/" + acct, Bot: "coding-holds", RunID: runID, ItemRef: acct})
			must(t, err)
			u, err := orchestrator.NewItemUpsert(runID, at.Add(time.Duration(i*10+run)*time.Minute), orchestrator.Observation{Portal: "coding-worklist",
				ExternalID: acct, Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, EvidenceID: shot.ID,
				Data: orchestrator.CodingHold{AccountNumber: acct, DaysSinceDischarge: run}})
			must(t, err)
			_, err = m.st.UpsertItem(ctx, u)
			must(t, err)
		}
	}
	qs, _ := orchestrator.NewQueues(nil, orchestrator.DefaultQueues()...)
	tasks, err := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: m.st, Queues: qs})
	must(t, err)
	it, err := m.st.Item(ctx, 1)
	must(t, err)
	task, _, err := tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "ncci", Queue: orchestrator.QueueCoding}, "run:coding-holds@1")
	must(t, err)
	_, err = tasks.Claim(ctx, task.ID, 0, "alice")
	must(t, err)
	_, err = tasks.Resolve(ctx, task.ID, 0, "alice", orchestrator.Resolution{Outcome: "not_an_issue"})
	must(t, err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// exec runs SQL written with ? placeholders on the tamperer's connection.
func (m *matrixEnv) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if m.dialect == "postgres" {
		n := 0
		query = replaceEach(query, "?", func() string { n++; return fmt.Sprintf("$%d", n) })
	}
	if _, err := m.db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func replaceEach(s, old string, next func() string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i] + next())
		s = s[i+len(old):]
	}
}

func (m *matrixEnv) id(t *testing.T, query string) int64 {
	t.Helper()
	var id int64
	must(t, m.db.QueryRowContext(context.Background(), query).Scan(&id))
	return id
}

// dropGuards removes what stops an honest mistake: the append-only
// triggers and, on PostgreSQL, the history's foreign key.
func (m *matrixEnv) dropGuards(t *testing.T) {
	t.Helper()
	if m.dialect == "postgres" {
		for _, table := range []string{"audit_log", "item_history", "evidence", "ledger_leaves"} {
			m.exec(t, "DROP TRIGGER "+table+"_append_only ON "+table)
		}
		m.exec(t, "DROP TRIGGER ledger_leaves_hashed_once ON ledger_leaves")
		m.exec(t, "ALTER TABLE item_history DROP CONSTRAINT item_history_item_id_fkey")
		return
	}
	for _, table := range []string{"audit_log", "item_history", "evidence", "ledger_leaves"} {
		m.exec(t, "DROP TRIGGER "+table+"_append_only_update")
		m.exec(t, "DROP TRIGGER "+table+"_append_only_delete")
	}
}

// target is one kind of record the matrix attacks.
type target struct {
	name   string
	pick   string // SQL giving the id of the record attacked
	last   string // SQL giving the id of the newest such record
	kind   string // ledger leaf kind ("" for item data)
	edit   func(t *testing.T, m *matrixEnv, id int64)
	delete func(t *testing.T, m *matrixEnv, id int64)
}

var matrixTargets = []target{{
	name: "audit", kind: orchestrator.LeafAudit,
	pick: "SELECT 2", last: "SELECT MAX(seq) FROM audit_log",
	edit: func(t *testing.T, m *matrixEnv, id int64) {
		m.exec(t, "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = ?", id)
	},
	delete: func(t *testing.T, m *matrixEnv, id int64) { m.exec(t, "DELETE FROM audit_log WHERE seq = ?", id) },
}, {
	name: "bot history", kind: orchestrator.LeafHistory,
	pick: "SELECT MIN(id) FROM item_history WHERE action = 'updated'", last: "SELECT MAX(id) FROM item_history WHERE actor LIKE 'run:%'",
	edit: func(t *testing.T, m *matrixEnv, id int64) {
		m.exec(t, `UPDATE item_history SET changes = '[{"field":"days_since_discharge","old":"0","new":"9"}]' WHERE id = ?`, id)
	},
	delete: func(t *testing.T, m *matrixEnv, id int64) { m.exec(t, "DELETE FROM item_history WHERE id = ?", id) },
}, {
	name: "human history", kind: orchestrator.LeafHistory,
	pick: "SELECT MIN(id) FROM item_history WHERE actor = 'user:alice'", last: "SELECT MAX(id) FROM item_history WHERE actor = 'user:alice'",
	edit: func(t *testing.T, m *matrixEnv, id int64) {
		m.exec(t, "UPDATE item_history SET actor = 'user:mallory' WHERE id = ?", id)
	},
	delete: func(t *testing.T, m *matrixEnv, id int64) { m.exec(t, "DELETE FROM item_history WHERE id = ?", id) },
}, {
	name: "evidence", kind: orchestrator.LeafEvidence,
	pick: "SELECT 1", last: "SELECT MAX(id) FROM evidence",
	edit: func(t *testing.T, m *matrixEnv, id int64) {
		m.exec(t, "UPDATE evidence SET url = 'http://elsewhere/' WHERE id = ?", id)
	},
	delete: func(t *testing.T, m *matrixEnv, id int64) { m.exec(t, "DELETE FROM evidence WHERE id = ?", id) },
}, {
	name: "item data",
	pick: "SELECT 1", last: "SELECT MAX(id) FROM work_items",
	edit: func(t *testing.T, m *matrixEnv, id int64) {
		m.exec(t, `UPDATE work_items SET data = '{"account_number":"A1","coding_status":"coded"}' WHERE id = ?`, id)
	},
	delete: func(t *testing.T, m *matrixEnv, id int64) { m.exec(t, "DELETE FROM work_items WHERE id = ?", id) },
}}

func TestTamperMatrix(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		for _, tg := range matrixTargets {
			for _, attack := range []string{"edit", "delete", "truncate", "recompute"} {
				t.Run(dialect+"/"+tg.name+"/"+attack, func(t *testing.T) {
					t.Parallel()
					ctx := context.Background()
					m := newMatrixEnv(t, dialect)
					if code, out, errOut := runMain(t, ctx, m.env, "audit", "checkpoint"); code != 0 {
						t.Fatalf("checkpoint: exit %d\n%s%s", code, out, errOut)
					}
					if code, out, errOut := runMain(t, ctx, m.env, "audit", "verify"); code != 0 {
						t.Fatalf("verify before tampering: exit %d\n%s%s", code, out, errOut)
					}
					m.dropGuards(t)
					id := m.id(t, tg.pick)
					switch attack {
					case "edit":
						tg.edit(t, m, id)
					case "delete":
						tg.delete(t, m, id)
					case "truncate":
						m.truncate(t, tg, m.id(t, tg.last))
					case "recompute":
						m.recompute(t, tg, id)
					}
					code, out, errOut := runMain(t, ctx, m.env, "audit", "verify")
					if code != 1 || !strings.Contains(errOut, "NOT") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
						t.Fatalf("%s %s not detected: exit %d\n%s%s", attack, tg.name, code, out, errOut)
					}
					t.Logf("%s", strings.TrimSpace(errOut))
					// Nor does the next checkpoint sign over a cut or re-hashed ledger.
					if attack == "truncate" || attack == "recompute" {
						code, out, errOut := runMain(t, ctx, m.env, "audit", "checkpoint")
						if code != 1 || !strings.Contains(errOut, "not signed") {
							t.Fatalf("checkpoint after %s: exit %d\n%s%s", attack, code, out, errOut)
						}
					}
				})
			}
		}
	}
}

// truncate cuts the newest records off as a careful tamperer would: from
// the record's ledger leaf on, every later record and leaf (with its tree
// hashes), and the tree size, so what remains is a valid shorter ledger. For item
// data it removes the newest item and what the ledger logged about it.
func (m *matrixEnv) truncate(t *testing.T, tg target, id int64) {
	t.Helper()
	ctx := context.Background()
	if tg.kind == "" {
		tg.delete(t, m, id)
		var h int64
		must(t, m.db.QueryRowContext(ctx, fmt.Sprintf("SELECT MIN(id) FROM item_history WHERE item_id = %d", id)).Scan(&h))
		tg, id = target{kind: orchestrator.LeafHistory}, h
	}
	n, err := m.st.LeafIndex(ctx, orchestrator.LedgerLeaf{Kind: tg.kind, Ref: id})
	must(t, err)
	entries, err := m.st.LedgerEntries(ctx, n, 1_000_000)
	must(t, err)
	tables := map[string]string{orchestrator.LeafAudit: "audit_log WHERE seq", orchestrator.LeafHistory: "item_history WHERE id",
		orchestrator.LeafEvidence: "evidence WHERE id"}
	for _, e := range entries {
		m.exec(t, "DELETE FROM "+tables[e.Leaf.Kind]+" = ?", e.Leaf.Ref)
	}
	m.exec(t, "DELETE FROM ledger_leaves WHERE n >= ?", n)
	m.exec(t, "UPDATE ledger_head SET size = ?", n)
}

// recompute rewrites the record and then every hash that takes no key:
// the audit and evidence chains, the item's data hash (and the data hash
// its last history entry logged), and every stored hash of the ledger.
func (m *matrixEnv) recompute(t *testing.T, tg target, id int64) {
	t.Helper()
	ctx := context.Background()
	tg.edit(t, m, id)
	if tg.kind == "" {
		var data string
		must(t, m.db.QueryRowContext(ctx, fmt.Sprintf("SELECT data FROM work_items WHERE id = %d", id)).Scan(&data))
		sum := sha256.Sum256([]byte(data))
		dh := hex.EncodeToString(sum[:])
		m.exec(t, "UPDATE work_items SET data_hash = ? WHERE id = ?", dh, id)
		m.exec(t, "UPDATE item_history SET data_hash = ? WHERE id = (SELECT MAX(id) FROM item_history WHERE item_id = ?)", dh, id)
	}
	audit, err := m.st.AuditLog(ctx, 0, 1_000_000)
	must(t, err)
	prev := ""
	for _, a := range audit {
		a.PrevHash = prev
		a.Hash = a.ChainHash()
		m.exec(t, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", a.PrevHash, a.Hash, a.Seq)
		prev = a.Hash
	}
	ev, err := m.st.EvidenceChain(ctx, 0, 1_000_000)
	must(t, err)
	prev = ""
	for _, e := range ev {
		e.PrevHash = prev
		e.Hash = e.ChainHash()
		m.exec(t, "UPDATE evidence SET prev_hash = ?, hash = ? WHERE id = ?", e.PrevHash, e.Hash, e.ID)
		prev = e.Hash
	}
	entries, err := m.st.LedgerEntries(ctx, 0, 1_000_000)
	must(t, err)
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for _, e := range entries {
		hs, err := tlog.StoredHashes(e.N, e.Data, r)
		must(t, err)
		hashes = append(hashes, hs...)
		var blob []byte
		for _, h := range hs {
			blob = append(blob, h[:]...)
		}
		m.exec(t, "UPDATE ledger_leaves SET hashes = ? WHERE n = ?", blob, e.N)
	}
}

// TestTamperMatrixBundle attacks an exported bundle: a history entry
// edited or deleted, the audit tail cut, each with the manifest re-hashed;
// and everything recomputed and re-signed with the tamperer's own key.
func TestTamperMatrixBundle(t *testing.T) {
	for _, attack := range []string{"edit", "delete", "truncate", "recompute"} {
		t.Run(attack, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			m := newMatrixEnv(t, "sqlite")
			dir := filepath.Join(t.TempDir(), "b")
			if code, out, errOut := runMain(t, ctx, m.env, "evidence", "export", "--item", "1", "--out", dir); code != 0 {
				t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
			}
			if code, out, errOut := runMain(t, ctx, m.env, "evidence", "verify", dir); code != 0 || !strings.Contains(out, "signed by docket-ledger") {
				t.Fatalf("verify before tampering: exit %d\n%s%s", code, out, errOut)
			}
			switch attack {
			case "edit": // a bot observation's recorded change
				editJSON(t, filepath.Join(dir, "history.json"), func(v []map[string]any) []map[string]any {
					v[1]["changes"] = []map[string]string{{"field": "days_since_discharge", "old": "0", "new": "9"}}
					return v
				})
			case "delete":
				editJSON(t, filepath.Join(dir, "history.json"), func(v []map[string]any) []map[string]any { return append(v[:1], v[2:]...) })
			case "truncate": // the audit tail, and chain.json to match
				var last map[string]any
				editJSON(t, filepath.Join(dir, "audit.json"), func(v []map[string]any) []map[string]any {
					last = v[len(v)-2]
					return v[:len(v)-1]
				})
				cutChain(t, filepath.Join(dir, "chain.json"), int64(last["seq"].(float64)), last["hash"].(string))
			case "recompute":
				forgeBundle(t, dir)
			}
			if attack != "recompute" {
				rehashManifest(t, dir)
			}
			code, out, errOut := runMain(t, ctx, m.env, "evidence", "verify", dir)
			if code != 1 || !strings.Contains(errOut, "is NOT intact") {
				t.Fatalf("%s not detected: exit %d\n%s%s", attack, code, out, errOut)
			}
			t.Logf("%s", strings.TrimSpace(errOut))
		})
	}
}

// cutChain makes chain.json's audit segment end at seq, as if it were the
// head at export.
func cutChain(t *testing.T, path string, seq int64, hash string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	must(t, err)
	var c bundle.Chain
	must(t, json.Unmarshal(raw, &c))
	c.Audit.Last, c.Audit.LastHash, c.Audit.Head, c.Audit.HeadHash = seq, hash, seq, hash
	var in []int64
	for _, id := range c.Audit.InScope {
		if id <= seq {
			in = append(in, id)
		}
	}
	c.Audit.InScope = in
	raw, err = json.Marshal(c)
	must(t, err)
	must(t, os.WriteFile(path, raw, 0o600))
}

func editJSON(t *testing.T, path string, fn func(v []map[string]any) []map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	must(t, err)
	var v []map[string]any
	must(t, json.Unmarshal(raw, &v))
	raw, err = json.Marshal(fn(v))
	must(t, err)
	must(t, os.WriteFile(path, raw, 0o600))
}

// rehashManifest writes every file's hash into the manifest again and
// returns the manifest's bytes.
func rehashManifest(t *testing.T, dir string) []byte {
	t.Helper()
	mp := filepath.Join(dir, bundle.FileManifest)
	raw, err := os.ReadFile(mp)
	must(t, err)
	var man bundle.Manifest
	must(t, json.Unmarshal(raw, &man))
	for i, f := range man.Files {
		data, err := os.ReadFile(filepath.Join(dir, f.Path))
		must(t, err)
		sum := sha256.Sum256(data)
		man.Files[i].SHA256, man.Files[i].Size = hex.EncodeToString(sum[:]), int64(len(data))
	}
	raw, err = json.Marshal(man)
	must(t, err)
	must(t, os.WriteFile(mp, raw, 0o600))
	return raw
}

// forgeBundle rewrites a bot observation and rebuilds everything a forger
// without the ledger key can: a one-leaf-per-record tree of the bundle's
// own records, its checkpoint and proofs, the manifest and its signature,
// all signed with a key of the forger's own.
func forgeBundle(t *testing.T, dir string) {
	t.Helper()
	editJSON(t, filepath.Join(dir, "history.json"), func(v []map[string]any) []map[string]any {
		v[1]["changes"] = []map[string]string{{"field": "days_since_discharge", "old": "0", "new": "9"}}
		return v
	})
	skey, vkey, err := note.GenerateKey(rand.Reader, "docket-ledger")
	must(t, err)
	signer, err := note.NewSigner(skey)
	must(t, err)
	var (
		audit   []bundle.AuditEntry
		ev      []bundle.Evidence
		history []bundle.History
	)
	for name, v := range map[string]any{"audit.json": &audit, "evidence.json": &ev, "history.json": &history} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		must(t, err)
		must(t, json.Unmarshal(raw, v))
	}
	var leaves []bundle.LeafProof
	var data [][]byte
	for _, a := range audit {
		leaves = append(leaves, bundle.LeafProof{Kind: orchestrator.LeafAudit, Ref: a.Seq})
		data = append(data, orchestrator.AuditEntry{Seq: a.Seq, At: a.At, Actor: a.Actor, Action: a.Action, Subject: a.Subject, Detail: a.Detail}.LeafData())
	}
	for _, e := range ev {
		leaves = append(leaves, bundle.LeafProof{Kind: orchestrator.LeafEvidence, Ref: e.ID})
		data = append(data, orchestrator.Evidence{ID: e.ID, SHA256: e.SHA256, Kind: e.Kind, MediaType: e.MediaType, Size: e.Size, URL: e.URL,
			Bot: e.Bot, RunID: e.RunID, ItemRef: e.ItemRef, SelectorVersion: e.SelectorVersion, CapturedAt: e.CapturedAt}.LeafData())
	}
	for _, h := range history {
		leaves = append(leaves, bundle.LeafProof{Kind: orchestrator.LeafHistory, Ref: h.ID})
		data = append(data, orchestrator.HistoryEntry{ID: h.ID, ItemID: h.ItemID, At: h.At, Actor: h.Actor, Action: h.Action,
			Reason: h.Reason, Changes: h.Changes, DataHash: h.DataHash}.LeafData())
	}
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i, d := range data {
		hs, err := tlog.StoredHashes(int64(i), d, r)
		must(t, err)
		hashes = append(hashes, hs...)
	}
	tree := tlog.Tree{N: int64(len(data))}
	tree.Hash, err = tlog.TreeHash(tree.N, r)
	must(t, err)
	cp, err := orchestrator.SignCheckpoint(signer, tree)
	must(t, err)
	for i := range leaves {
		leaves[i].Index = int64(i)
		leaves[i].Proof, err = tlog.ProveRecord(tree.N, int64(i), r)
		must(t, err)
	}
	raw, err := json.Marshal(bundle.Ledger{Checkpoint: string(cp), VerifierKey: vkey, Leaves: leaves})
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, bundle.FileLedger), raw, 0o600))
	man := rehashManifest(t, dir)
	sum := sha256.Sum256(man)
	sig, err := orchestrator.SignManifest(signer, hex.EncodeToString(sum[:]))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, bundle.FileSignature), sig, 0o600))
	// Without the real key pinned, this forgery verifies: that is why
	// verify pins ledger_verifier_key (or the key file's) and prints the key.
	if _, err := bundle.Verify(dir, bundle.VerifyOptions{}); err != nil {
		t.Fatalf("the forgery should verify against its own key: %v", err)
	}
}

// An edit of work_items.data stays detectable after people act on the item:
// their history entries log the last logged data hash, not the edited row's.
func TestTamperItemDataThenPersonActs(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			m := newMatrixEnv(t, dialect)
			if code, out, errOut := runMain(t, ctx, m.env, "audit", "checkpoint"); code != 0 {
				t.Fatalf("checkpoint: exit %d\n%s%s", code, out, errOut)
			}
			data := `{"account_number":"A1","coding_status":"coded"}`
			sum := sha256.Sum256([]byte(data))
			m.exec(t, "UPDATE work_items SET data = ?, data_hash = ? WHERE id = 1", data, hex.EncodeToString(sum[:]))
			it, err := m.st.Item(ctx, 1)
			must(t, err)
			st := it.State()
			st.Priority = orchestrator.PriorityHigh
			_, err = m.st.UpdateItem(ctx, orchestrator.ItemUpdate{ItemID: 1, Version: it.Version, State: st,
				Actor: "user:alice", Action: "reprioritised", Reason: "payer escalation"})
			must(t, err)
			tasks, err := m.st.Tasks(ctx, orchestrator.TaskFilter{ItemID: 1})
			must(t, err)
			_, err = m.st.AddComment(ctx, orchestrator.TaskComment{TaskID: tasks[0].ID, Author: "alice", Body: "checked"})
			must(t, err)
			if code, out, errOut := runMain(t, ctx, m.env, "audit", "checkpoint"); code != 0 {
				t.Fatalf("checkpoint after the steps: exit %d\n%s%s", code, out, errOut)
			}
			code, out, errOut := runMain(t, ctx, m.env, "audit", "verify")
			if code != 1 || !strings.Contains(errOut, "item 1: its data is not the state its last logged history entry") {
				t.Fatalf("edited data laundered by later steps: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}
