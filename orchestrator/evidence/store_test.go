package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/evidence"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
)

type fixture struct {
	ev      *evidence.Store
	records *sqlstore.Store
	dir     string // the bucket's directory
}

// newFixture opens an evidence store on a file bucket over a real SQLite
// system of record; wrap, when set, stands between them.
func newFixture(t *testing.T, wrap func(orchestrator.Store) orchestrator.Store) fixture {
	t.Helper()
	ctx := context.Background()
	tmp := t.TempDir()
	records, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: filepath.Join(tmp, "docket.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { records.Close() })
	var store orchestrator.Store = records
	if wrap != nil {
		store = wrap(records)
	}
	dir := filepath.Join(tmp, "evidence", "not-yet-created")
	ev, err := evidence.Open(ctx, evidence.Config{URL: "file://" + dir}, store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ev.Close() })
	return fixture{ev: ev, records: records, dir: dir}
}

func capture(content string) orchestrator.EvidenceCapture {
	return orchestrator.EvidenceCapture{
		Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png", Content: []byte(content),
		URL: "https://portal.example/worklist?page=1", Bot: "coding-holds", RunID: "run-1",
		ItemRef: "A100", SelectorVersion: "v3", CapturedAt: time.Date(2026, 11, 28, 6, 0, 0, 5, time.UTC),
	}
}

func TestPutOpenRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	e, err := f.ev.Put(ctx, capture("png bytes"))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != 1 || e.Size != 9 || e.MediaType != "image/png" || e.RunID != "run-1" || e.Hash != e.ChainHash() {
		t.Fatalf("record = %+v", e)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "sha256", e.SHA256[:2], e.SHA256)); err != nil {
		t.Fatalf("blob not at its content address: %v", err)
	}
	got, err := f.ev.Open(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte("png bytes")) {
		t.Fatalf("Open = %q", got)
	}
	if err := f.ev.Verify(ctx); err != nil {
		t.Fatalf("Verify of an intact store: %v", err)
	}
}

func TestPutIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	first, err := f.ev.Put(ctx, capture("same"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.ev.Put(ctx, capture("same"))
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Fatalf("second Put = %+v, want %+v", again, first)
	}
	c := capture("same")
	c.RunID = "run-2"
	other, err := f.ev.Put(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if other.ID != 2 || other.SHA256 != first.SHA256 || other.PrevHash != first.Hash {
		t.Fatalf("same content in another run = %+v", other)
	}
	blobs, err := filepath.Glob(filepath.Join(f.dir, "sha256", "*", first.SHA256))
	if err != nil || len(blobs) != 1 {
		t.Fatalf("blobs = %v (%v), want the content stored once", blobs, err)
	}
	if err := f.ev.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.Put(ctx, orchestrator.EvidenceCapture{Content: []byte("x")})
	if !errors.Is(err, orchestrator.ErrInvalid) {
		t.Fatalf("Put without kind and run: %v, want ErrInvalid", err)
	}
}

func TestTamperedBlob(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.ev.Put(ctx, capture("first")); err != nil {
		t.Fatal(err)
	}
	e, err := f.ev.Put(ctx, capture("original"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(f.dir, "sha256", e.SHA256[:2], e.SHA256)
	if err := os.WriteFile(path, []byte("doctored"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ce *evidence.ContentError
	if _, err := f.ev.Open(ctx, e); !errors.As(err, &ce) || ce.ID != e.ID {
		t.Fatalf("Open of tampered content: %v, want *ContentError for record %d", err, e.ID)
	}
	if err := f.ev.Verify(ctx); !errors.As(err, &ce) || ce.ID != e.ID {
		t.Fatalf("Verify: %v, want *ContentError for record %d", err, e.ID)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ev.Open(ctx, e); !errors.Is(err, orchestrator.ErrNotFound) {
		t.Fatalf("Open of missing content: %v, want ErrNotFound", err)
	}
	if err := f.ev.Verify(ctx); !errors.Is(err, orchestrator.ErrNotFound) {
		t.Fatalf("Verify with missing content: %v, want ErrNotFound", err)
	}
	bad := e
	bad.SHA256 = "../../etc/passwd"
	if _, err := f.ev.Open(ctx, bad); !errors.Is(err, orchestrator.ErrInvalid) {
		t.Fatalf("Open of a malformed sha256: %v, want ErrInvalid", err)
	}
}

// editingStore shows Verify a chain in which one record was edited in the
// database after it was written.
type editingStore struct {
	orchestrator.Store
	editID int64
}

func (s editingStore) EvidenceChain(ctx context.Context, afterID int64, limit int) ([]orchestrator.Evidence, error) {
	recs, err := s.Store.EvidenceChain(ctx, afterID, limit)
	for i := range recs {
		if recs[i].ID == s.editID {
			recs[i].URL = "https://portal.example/somewhere-else"
		}
	}
	return recs, err
}

func TestEditedRecord(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(s orchestrator.Store) orchestrator.Store { return editingStore{Store: s, editID: 2} })
	ctx := context.Background()
	for _, c := range []string{"one", "two", "three"} {
		if _, err := f.ev.Put(ctx, capture(c)); err != nil {
			t.Fatal(err)
		}
	}
	var ce *orchestrator.ChainError
	if err := f.ev.Verify(ctx); !errors.As(err, &ce) || ce.ID != 2 {
		t.Fatalf("Verify: %v, want a broken chain at record 2", err)
	}
}

func TestMemBucket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	records, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: filepath.Join(t.TempDir(), "docket.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer records.Close()
	ev, err := evidence.Open(ctx, evidence.Config{URL: "mem://"}, records)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	e, err := ev.Put(ctx, capture("<html>snapshot</html>"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ev.Open(ctx, e); err != nil || string(got) != "<html>snapshot</html>" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := evidence.Open(ctx, evidence.Config{URL: "gs://bucket"}, records); err == nil {
		t.Fatal("an unsupported scheme opened")
	}
}

// An s3:// URL opens without touching the network; a store that cannot be
// reached fails the write with an error naming the bucket, not a panic.
func TestS3BucketUnreachable(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "docket-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "docket-test-secret")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := sqlstore.OpenAndMigrate(ctx, sqlstore.Config{URL: filepath.Join(t.TempDir(), "e.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ev, err := evidence.Open(ctx, evidence.Config{URL: "s3://evidence?region=us-east-1&endpoint=http://127.0.0.1:1&use_path_style=true"}, st)
	if err != nil {
		t.Fatalf("open s3 bucket: %v", err)
	}
	defer ev.Close()
	_, err = ev.Put(ctx, orchestrator.EvidenceCapture{Kind: orchestrator.EvidenceScreenshot, MediaType: "image/png",
		Content: []byte("png"), URL: "http://portal/worklist", Bot: "b", RunID: "r", CapturedAt: time.Now()})
	if err == nil || !strings.Contains(err.Error(), "evidence") || strings.Contains(err.Error(), "docket-test-secret") {
		t.Fatalf("put to unreachable S3: err = %v", err)
	}
	if recs, _ := st.EvidenceChain(ctx, 0, 10); len(recs) != 0 {
		t.Fatalf("a record was written although the content was not stored: %+v", recs)
	}
}
