package vault

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ParseKey reads a 32-byte key written as 64 hex digits or standard base64.
func ParseKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if b, err := hex.DecodeString(text); err == nil && len(b) == KeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(text); err == nil && len(b) == KeySize {
		return b, nil
	}
	return nil, fmt.Errorf("vault: key must be %d bytes as 64 hex digits or base64", KeySize)
}

// LoadKeyFile reads a key file. With create set, a missing file is created
// with a fresh random key, readable by its owner only.
func LoadKeyFile(path string, create bool) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		key := make([]byte, KeySize)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("vault: new key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("vault: create key file %s: %w", path, err)
		}
		defer f.Close()
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			return nil, fmt.Errorf("vault: write key file %s: %w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("vault: key file %s: %w", path, err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("vault: key file %s is readable by others (mode %o); chmod 600 it", path, info.Mode().Perm())
	}
	key, err := ParseKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return key, nil
}
