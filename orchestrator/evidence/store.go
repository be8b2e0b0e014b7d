package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
)

// Config says where evidence content lives.
type Config struct {
	// URL is a gocloud.dev blob bucket URL: file:///abs/dir (the directory
	// is created if missing), s3://bucket (S3 or S3-compatible, see Open)
	// or mem:// (tests). Required; the caller passes
	// file:///<data dir>/evidence by default.
	URL string
	// NowFunc stamps captures made without a time. Default time.Now.
	NowFunc func() time.Time
}

// Store is an orchestrator.EvidenceStore over a blob bucket and the
// system of record. It is safe for concurrent use.
type Store struct {
	bucket *blob.Bucket
	store  orchestrator.Store
	addr   string // bucket URL for messages
	now    func() time.Time
}

var (
	_ orchestrator.EvidenceStore  = (*Store)(nil)
	_ orchestrator.EvidenceStager = (*Store)(nil)
)

// Open opens the bucket cfg names; records go to store.
func Open(ctx context.Context, cfg Config, store orchestrator.Store) (*Store, error) {
	if cfg.URL == "" {
		return nil, fmt.Errorf("evidence: %w: bucket URL is empty", orchestrator.ErrInvalid)
	}
	if store == nil {
		return nil, fmt.Errorf("evidence: %w: no record store", orchestrator.ErrInvalid)
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	addr := cfg.URL
	if u, err := url.Parse(cfg.URL); err == nil {
		addr = u.Redacted()
	}
	// An own mux rather than blob.DefaultURLMux: only the schemes Docket
	// supports, and file buckets create their directory, private to the
	// owner (0700; files 0600, see privateFile), with no metadata sidecar
	// files (fileblob creates those 0666 less the umask; the records keep
	// the media type).
	mux := new(blob.URLMux)
	mux.RegisterBucket(fileblob.Scheme, &fileblob.URLOpener{Options: fileblob.Options{
		CreateDir: true, DirFileMode: 0o700, Metadata: fileblob.MetadataDontWrite}})
	mux.RegisterBucket(memblob.Scheme, &memblob.URLOpener{})
	// s3://bucket?region=…&endpoint=http://minio:9000&use_path_style=true
	// reaches AWS S3 and S3-compatible stores; credentials come from the
	// standard AWS environment, never from Docket's configuration.
	mux.RegisterBucket(s3blob.Scheme, new(s3blob.URLOpener))
	bucket, err := mux.OpenBucket(ctx, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("evidence: open bucket %s: %w", addr, err)
	}
	return &Store{bucket: bucket, store: store, addr: addr, now: cfg.NowFunc}, nil
}

// Close closes the bucket; the record store belongs to the caller.
func (s *Store) Close() error {
	if err := s.bucket.Close(); err != nil {
		return fmt.Errorf("evidence: close bucket %s: %w", s.addr, err)
	}
	return nil
}

// Key is where content with the given sha256 (hex) lives in the bucket;
// the two-character fan-out keeps directories small on file buckets.
func Key(sha string) string {
	if len(sha) < 2 {
		return "sha256/" + sha
	}
	return "sha256/" + sha[:2] + "/" + sha
}

// Put stores the capture's content under its sha256, unless that content
// is already there, and appends its record to the chain. The same content
// captured for the same run and URL yields the same record.
func (s *Store) Put(ctx context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	rec, err := s.Stage(ctx, c)
	if err != nil {
		return orchestrator.Evidence{}, err
	}
	e, err := s.store.AppendEvidence(ctx, rec)
	if err != nil {
		return orchestrator.Evidence{}, fmt.Errorf("evidence: put %s for run %s: %w", rec.SHA256, c.RunID, err)
	}
	return e, nil
}

// Stage stores the capture's content under its sha256, unless that content
// is already there, and returns its record without appending it to the
// chain (ID 0): the caller appends it, with others, in one transaction
// (orchestrator.BatchStore).
func (s *Store) Stage(ctx context.Context, c orchestrator.EvidenceCapture) (orchestrator.Evidence, error) {
	if c.Kind == "" || c.RunID == "" {
		return orchestrator.Evidence{}, fmt.Errorf("evidence: put: %w: capture needs a kind and a run", orchestrator.ErrInvalid)
	}
	sum := sha256.Sum256(c.Content)
	sha := hex.EncodeToString(sum[:])
	if err := s.write(ctx, sha, c.MediaType, c.Content); err != nil {
		return orchestrator.Evidence{}, err
	}
	at := c.CapturedAt
	if at.IsZero() {
		at = s.now()
	}
	return orchestrator.Evidence{
		SHA256: sha, Kind: c.Kind, MediaType: c.MediaType, Size: int64(len(c.Content)),
		URL: c.URL, Bot: c.Bot, RunID: c.RunID, ItemRef: c.ItemRef,
		SelectorVersion: c.SelectorVersion, CapturedAt: at,
	}, nil
}

// write puts content under its key unless it is there already. Two writers
// racing on the same content write the same bytes, so either may win.
func (s *Store) write(ctx context.Context, sha, mediaType string, content []byte) error {
	key := Key(sha)
	exists, err := s.bucket.Exists(ctx, key)
	if err != nil {
		return fmt.Errorf("evidence: check %s in %s: %w", key, s.addr, err)
	}
	if exists {
		return nil
	}
	w, err := s.bucket.NewWriter(ctx, key, &blob.WriterOptions{ContentType: mediaType, BeforeWrite: privateFile})
	if err != nil {
		return fmt.Errorf("evidence: write %s to %s: %w", key, s.addr, err)
	}
	if _, err := w.Write(content); err != nil {
		_ = w.Close() // the write error is the one worth reporting
		return fmt.Errorf("evidence: write %s to %s: %w", key, s.addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("evidence: write %s to %s: %w", key, s.addr, err)
	}
	return nil
}

// privateFile makes a file bucket's file readable by its owner only
// (0600) before any content is written to it; fileblob creates it 0666
// less the umask. Other buckets have no file to change.
func privateFile(as func(any) bool) error {
	var f *os.File
	if !as(&f) {
		return nil
	}
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("evidence: make %s private: %w", filepath.Base(f.Name()), err)
	}
	return nil
}

// Open returns the content of a stored record after checking that it
// still hashes to the record's sha256; tampered content is a
// *ContentError, missing content wraps orchestrator.ErrNotFound.
func (s *Store) Open(ctx context.Context, e orchestrator.Evidence) ([]byte, error) {
	if !validSHA(e.SHA256) {
		return nil, fmt.Errorf("evidence: open record %d: %w: sha256 %q is not 64 hex digits", e.ID, orchestrator.ErrInvalid, e.SHA256)
	}
	content, err := s.bucket.ReadAll(ctx, Key(e.SHA256))
	if err != nil {
		return nil, s.readError(e, err)
	}
	sum := sha256.Sum256(content)
	if got := hex.EncodeToString(sum[:]); got != e.SHA256 {
		return nil, &ContentError{ID: e.ID, Want: e.SHA256, Got: got}
	}
	return content, nil
}

// hashBlob streams a blob through sha256 without holding it in memory.
func (s *Store) hashBlob(ctx context.Context, e orchestrator.Evidence) (string, error) {
	r, err := s.bucket.NewReader(ctx, Key(e.SHA256), nil)
	if err != nil {
		return "", s.readError(e, err)
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", s.readError(e, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (s *Store) readError(e orchestrator.Evidence, err error) error {
	if gcerrors.Code(err) == gcerrors.NotFound {
		return fmt.Errorf("evidence: record %d: content %s missing from %s: %w", e.ID, e.SHA256, s.addr, orchestrator.ErrNotFound)
	}
	return fmt.Errorf("evidence: record %d: read %s from %s: %w", e.ID, Key(e.SHA256), s.addr, err)
}

func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
