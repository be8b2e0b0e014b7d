package bundle

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// sink receives a bundle's files one at a time.
type sink interface {
	put(name string, data []byte) error
	close() error
}

// newSink writes to path: a .tar.gz or .tgz archive, or else a directory
// (created; it must not exist or be empty, so no stale file joins a bundle).
func newSink(path string, now time.Time) (sink, error) {
	if isArchive(path) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		gz := gzip.NewWriter(f)
		return &tarSink{f: f, gz: gz, tw: tar.NewWriter(gz), now: now}, nil
	}
	if entries, err := os.ReadDir(path); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("bundle: %s is not empty", path)
	}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return dirSink{root: path}, nil
}

func isArchive(path string) bool {
	return strings.HasSuffix(path, ".tar.gz") || strings.HasSuffix(path, ".tgz")
}

type dirSink struct{ root string }

func (d dirSink) put(name string, data []byte) error {
	p := filepath.Join(d.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return nil
}

func (dirSink) close() error { return nil }

type tarSink struct {
	f   *os.File
	gz  *gzip.Writer
	tw  *tar.Writer
	now time.Time
}

func (t *tarSink) put(name string, data []byte) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: int64(len(data)), ModTime: t.now, Typeflag: tar.TypeReg}
	if err := t.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("bundle: %s: %w", name, err)
	}
	if _, err := t.tw.Write(data); err != nil {
		return fmt.Errorf("bundle: %s: %w", name, err)
	}
	return nil
}

func (t *tarSink) close() error {
	err := errors.Join(t.tw.Close(), t.gz.Close(), t.f.Close())
	if err != nil {
		return fmt.Errorf("bundle: close %s: %w", t.f.Name(), err)
	}
	return nil
}
