package orchestrator

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// chainHash links one record to the previous one: the sha256 of the
// previous hash followed by the record's fields, each length-prefixed so
// no two different field lists encode alike.
func chainHash(prev string, fields ...string) string {
	h := sha256.New()
	var b strings.Builder
	for _, f := range append([]string{prev}, fields...) {
		b.Reset()
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		h.Write([]byte(b.String()))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func chainTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
