package inbox

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/docket-rpa/docket/orchestrator"
)

// cleanText makes user text storable on both databases: invalid UTF-8 and
// NUL (which PostgreSQL text refuses) become U+FFFD. Everything else,
// markup included, is kept as typed; templates escape it on the way out.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// checkLength refuses text over max characters with a message that says
// how long it was.
func checkLength(what, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%w: the %s is %d characters long; the limit is %d", orchestrator.ErrInvalid, what, n, max)
	}
	return nil
}
