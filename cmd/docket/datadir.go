package main

import (
	"fmt"
	"os"
)

// makeDataDir creates the data directory private to the owner (0700) and
// tightens one that lets group or others in (an older Docket made it
// 0750): it holds the SQLite database, the vault key and, by default, the
// evidence, all patient data or secrets.
func makeDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data_dir %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data_dir %s: %w", dir, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, fi.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("data_dir %s: make it private: %w", dir, err)
		}
	}
	return nil
}
