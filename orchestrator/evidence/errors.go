package evidence

import "fmt"

// ContentError reports stored content that no longer matches its record.
type ContentError struct {
	ID   int64  // the record
	Want string // sha256 in the record
	Got  string // sha256 of the stored content
}

func (e *ContentError) Error() string {
	return fmt.Sprintf("evidence: record %d: content was altered: sha256 is %s, record says %s", e.ID, e.Got, e.Want)
}
