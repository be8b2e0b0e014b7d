package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
)

func openSQLiteT(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := OpenAndMigrate(ctx, Config{URL: "sqlite://" + filepath.Join(t.TempDir(), "docket.db")})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func TestSQLite(t *testing.T) {
	t.Parallel()
	runConformance(t, openSQLiteT)
}

func TestSQLiteOpenFails(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), Config{URL: filepath.Join(t.TempDir(), "missing-dir", "docket.db")})
	if err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}
