package bundle_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/bundle"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"golang.org/x/mod/sumdb/note"
)

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// seed records an item the way a run and a person would: two bot runs
// with screenshots, a task claimed and resolved, lifecycle changes; and a
// second item, so the chains hold records out of scope too.
func seed(t *testing.T) (bundle.Source, int64) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: filepath.Join(dir, "docket.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ev, err := evidence.Open(ctx, evidence.Config{URL: "file://" + filepath.Join(dir, "evidence")}, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ev.Close() })
	now := t0
	clock := func() time.Time { now = now.Add(time.Minute); return now }
	var itemID int64
	for _, acct := range []string{"A1", "B2"} {
		for run := range 2 {
			runID := "coding-holds@" + string(rune('a'+run))
			shot, err := ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
				Content: []byte("png of " + acct + runID), URL: "http://portal/accounts/" + acct, Bot: "coding-holds", RunID: runID, ItemRef: acct, CapturedAt: clock()})
			if err != nil {
				t.Fatal(err)
			}
			u, err := orchestrator.NewItemUpsert(runID, clock(), orchestrator.Observation{Portal: "coding-worklist", ExternalID: acct,
				Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, EvidenceID: shot.ID,
				Data: orchestrator.CodingHold{AccountNumber: acct, DaysSinceDischarge: run}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := st.UpsertItem(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if acct == "A1" {
				itemID = res.Item.ID
			}
			if _, err := st.AppendAudit(ctx, orchestrator.AuditEntry{At: clock(), Actor: orchestrator.RunActor(runID), Action: "run.succeeded", Subject: "run:" + runID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	qs, err := orchestrator.NewQueues(nil, orchestrator.DefaultQueues()...)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := orchestrator.NewItemService(orchestrator.ItemServiceConfig{Store: st, Now: clock})
	tasks, _ := orchestrator.NewTaskService(orchestrator.TaskServiceConfig{Store: st, Queues: qs, Items: items, Now: clock})
	it, _ := st.Item(ctx, itemID)
	task, _, err := tasks.Open(ctx, it, orchestrator.RouteDecision{Rule: "ncci", Queue: orchestrator.QueueCoding}, "run:coding-holds@b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Claim(ctx, task.ID, 0, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Comment(ctx, task.ID, "alice", "modifier 59 is documented"); err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Resolve(ctx, task.ID, 0, "alice", orchestrator.Resolution{Outcome: "not_an_issue"}); err != nil {
		t.Fatal(err)
	}
	return bundle.Source{Store: st, Evidence: ev, Signing: signing(t, st, ev)}, itemID
}

// signing makes a ledger key and signs checkpoints into ev with it.
func signing(t *testing.T, st *sqlstore.Store, ev *evidence.Store) bundle.Signing {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, "docket-ledger")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := orchestrator.NewCheckpointer(orchestrator.CheckpointerConfig{Ledger: st, Store: ev, Signer: signer, Verifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	return bundle.Signing{Ledger: st, Checkpoint: c.Checkpoint, Signer: signer, VerifierKey: vkey}
}

func export(t *testing.T, src bundle.Source, scope bundle.Scope, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if _, err := bundle.Export(context.Background(), src, scope, p, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExportVerifies(t *testing.T) {
	src, id := seed(t)
	for _, name := range []string{"bundle", "bundle.tar.gz"} {
		p := export(t, src, bundle.Scope{ItemID: id}, name)
		rep, err := bundle.Verify(p, bundle.VerifyOptions{VerifierKey: src.Signing.VerifierKey})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// A1's two screenshots, not B2's from the same runs; its history's
		// two lifecycle changes and three task steps (claim, comment,
		// resolve), each matched with its audit entry.
		if rep.Artefacts != 2 || rep.EvidenceRecords != 2 || rep.HistoryChecked != 5 || rep.AuditEntries < 8 {
			t.Fatalf("%s: report %+v", name, rep)
		}
	}
	p := export(t, src, bundle.Scope{Since: t0.Add(5 * time.Minute)}, "since")
	rep, err := bundle.Verify(p, bundle.VerifyOptions{VerifierKey: src.Signing.VerifierKey})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Artefacts == 0 || rep.Chain.Audit.Last != rep.Chain.Audit.Head {
		t.Fatalf("since report %+v", rep)
	}
}

// How far a forger goes after editing a file of a bundle.
const (
	asIs     = iota // leaves the manifest alone
	rehash          // re-hashes the file in the manifest
	resigned        // also re-signs the manifest with the ledger key
)

// tamper edits one file of a fresh bundle, then covers it up as far as
// forger says, and returns Verify's error (with the ledger key pinned).
func tamper(t *testing.T, src bundle.Source, id int64, edit func(dir string) string, forger int) error {
	t.Helper()
	dir := export(t, src, bundle.Scope{ItemID: id}, "bundle")
	name := edit(dir)
	if forger >= rehash && name != "" {
		mp := filepath.Join(dir, "manifest.json")
		var m bundle.Manifest
		raw, _ := os.ReadFile(mp)
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, name))
		sum := sha256.Sum256(data)
		for i := range m.Files {
			if m.Files[i].Path == name {
				m.Files[i].SHA256, m.Files[i].Size = hex.EncodeToString(sum[:]), int64(len(data))
			}
		}
		raw, _ = json.Marshal(m)
		if err := os.WriteFile(mp, raw, 0o640); err != nil {
			t.Fatal(err)
		}
		if forger == resigned {
			sum := sha256.Sum256(raw)
			sig, err := orchestrator.SignManifest(src.Signing.Signer, hex.EncodeToString(sum[:]))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, bundle.FileSignature), sig, 0o640); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err := bundle.Verify(dir, bundle.VerifyOptions{VerifierKey: src.Signing.VerifierKey})
	return err
}

func rewriteJSON(t *testing.T, path string, fn func(v []map[string]any) []map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v []map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	raw, _ = json.Marshal(fn(v))
	if err := os.WriteFile(path, raw, 0o640); err != nil {
		t.Fatal(err)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	src, id := seed(t)
	screenshot := func(dir string) string {
		m, _ := filepath.Glob(filepath.Join(dir, "screenshots", "*.png"))
		return m[0]
	}
	rel := func(dir, p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }
	cases := []struct {
		name   string
		forger int
		edit   func(dir string) string
		want   string
	}{
		{"screenshot edited", asIs, func(dir string) string {
			p := screenshot(dir)
			b, _ := os.ReadFile(p)
			b[0] ^= 1
			_ = os.WriteFile(p, b, 0o640)
			return rel(dir, p)
		}, "does not match the manifest"},
		{"screenshot edited and re-hashed", resigned, func(dir string) string {
			p := screenshot(dir)
			_ = os.WriteFile(p, []byte("a different picture"), 0o640)
			return rel(dir, p)
		}, "but evidence record"},
		{"screenshot removed", asIs, func(dir string) string { _ = os.Remove(screenshot(dir)); return "" }, "missing (removed)"},
		{"file added", asIs, func(dir string) string {
			_ = os.WriteFile(filepath.Join(dir, "screenshots", "extra.png"), []byte("x"), 0o640)
			return ""
		}, "not in the manifest (added)"},
		{"audit entry edited", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "audit.json"), func(v []map[string]any) []map[string]any {
				v[2]["detail"] = "nothing happened"
				return v
			})
			return "audit.json"
		}, "hash does not match the record's fields (edited)"},
		{"audit entry removed", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "audit.json"), func(v []map[string]any) []map[string]any { return append(v[:2], v[3:]...) })
			return "audit.json"
		}, "records missing or out of order"},
		{"audit entries reordered", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "audit.json"), func(v []map[string]any) []map[string]any {
				v[2], v[3] = v[3], v[2]
				return v
			})
			return "audit.json"
		}, "out of order"},
		{"evidence record edited", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "evidence.json"), func(v []map[string]any) []map[string]any {
				v[0]["url"] = "http://elsewhere/"
				return v
			})
			return "evidence.json"
		}, "evidence chain broken"},
		{"history edited", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "history.json"), func(v []map[string]any) []map[string]any {
				v[len(v)-1]["actor"] = "user:mallory"
				return v
			})
			return "history.json"
		}, "has no matching audit entry"},
		{"history and manifest rewritten", rehash, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "history.json"), func(v []map[string]any) []map[string]any {
				v[len(v)-1]["actor"] = "user:mallory"
				return v
			})
			return "history.json"
		}, "is not the signed"},
		{"bot observation edited", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "history.json"), func(v []map[string]any) []map[string]any {
				v[1]["changes"] = []map[string]string{{"field": "days_since_discharge", "old": "0", "new": "9"}}
				return v
			})
			return "history.json"
		}, "is not the record the signed ledger holds at leaf"},
		{"bot observation removed", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "history.json"), func(v []map[string]any) []map[string]any { return append(v[:1], v[2:]...) })
			return "history.json"
		}, "which the bundle lacks (removed)"},
		{"item data edited", resigned, func(dir string) string {
			rewriteJSON(t, filepath.Join(dir, "items.json"), func(v []map[string]any) []map[string]any {
				v[0]["Data"] = map[string]any{"account_number": "A1", "coding_status": "coded"}
				return v
			})
			return "items.json"
		}, "data is not the state its last history entry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := tamper(t, src, id, c.edit, c.forger)
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, orchestrator.ErrInvalid) {
				t.Fatalf("Verify = %v, want an error containing %q", err, c.want)
			}
		})
	}
}
