package orchestrator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// ExternalIDMaxLen is the longest external id (account number, claim and
// edit key) intake accepts, in bytes.
const ExternalIDMaxLen = 128

// CheckExternalID reports why id cannot identify a portal record, naming
// the rule it breaks, never the value (it may be PHI): an external id is
// 1 to ExternalIDMaxLen bytes of ASCII letters, digits and . _ : / # -,
// starting with a letter or digit. A portal that sends anything else (a
// 1 MB account number, a carriage return, U+202E) sends a broken record.
func CheckExternalID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: the external id is empty", ErrInvalid)
	case len(id) > ExternalIDMaxLen:
		return fmt.Errorf("%w: the external id is %d bytes long (at most %d)", ErrInvalid, len(id), ExternalIDMaxLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: the external id is not valid UTF-8", ErrInvalid)
	}
	pos := 0
	for _, c := range id {
		pos++
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case pos > 1 && (c == '.' || c == '_' || c == ':' || c == '/' || c == '#' || c == '-'):
		case unicode.IsControl(c):
			return fmt.Errorf("%w: the external id holds a control character (%U) at character %d", ErrInvalid, c, pos)
		case unicode.Is(unicode.Cf, c):
			return fmt.Errorf("%w: the external id holds an invisible formatting character (%U) at character %d", ErrInvalid, c, pos)
		default:
			return fmt.Errorf("%w: the external id holds %U at character %d (allowed: letters and digits, then . _ : / # -)", ErrInvalid, c, pos)
		}
	}
	return nil
}

// quarantineExcerptLen is how many characters of a rejected external id an
// exception item keeps.
const quarantineExcerptLen = 64

// QuarantineKey is the external id intake files a record under when its own
// fails CheckExternalID: "invalid-" and 20 hex digits of its sha256, the
// same for the same bad id on every run.
func QuarantineKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "invalid-" + hex.EncodeToString(sum[:10])
}

// QuarantinedRecord is the data of an exception item: a portal record
// whose external id failed CheckExternalID, kept for a person without
// storing the bad value whole.
type QuarantinedRecord struct {
	Problem string `json:"problem"` // why, in words, without the value
	// ExternalIDExcerpt is the start of the id, escaped (EscapeText): safe
	// to show, never more than quarantineExcerptLen characters.
	ExternalIDExcerpt string `json:"external_id_excerpt"`
	ExternalIDBytes   int    `json:"external_id_bytes"`
	ExternalIDSHA256  string `json:"external_id_sha256"`
}

func quarantinedRecord(id string, problem error) QuarantinedRecord {
	sum := sha256.Sum256([]byte(id))
	return QuarantinedRecord{
		Problem: problemText(problem), ExternalIDExcerpt: Excerpt(id, quarantineExcerptLen),
		ExternalIDBytes: len(id), ExternalIDSHA256: hex.EncodeToString(sum[:]),
	}
}

// problemText is err's message without the ErrInvalid prefix.
func problemText(err error) string {
	msg := err.Error()
	if p := ErrInvalid.Error() + ": "; len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}
