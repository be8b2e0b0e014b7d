package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// privateSQLite makes the database file at path readable by its owner
// only (0600) before SQLite opens it: it creates a missing file empty with
// that mode and tightens an existing one. SQLite gives the -wal and -shm
// files it creates the database file's mode; existing ones are tightened
// too. In-memory databases have no file.
func privateSQLite(path, dsn string) error {
	if path == "" || strings.HasPrefix(path, ":") || strings.Contains(dsn, "mode=memory") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlstore: open sqlite %s: %w", p, err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("sqlstore: open sqlite %s: make it private: %w", p, err)
			}
		}
	}
	return nil
}
