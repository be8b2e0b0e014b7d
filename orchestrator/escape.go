package orchestrator

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EscapeText makes text from outside (portal data, run errors) safe to
// print on one line of a terminal or log: control characters (CR, LF,
// ESC, …), invisible formatting characters (U+202E and the other
// bidirectional controls, zero-width characters) and the line and
// paragraph separators become \r, \n, \t or \u{XXXX}; bytes that are not
// UTF-8 become \x{XX}. Everything else is kept, backslashes too, so a
// message that already quotes a value (%q) reads as before.
func EscapeText(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x{%02X}`, s[i])
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case unsafeRune(c):
			fmt.Fprintf(&b, `\u{%04X}`, c)
		default:
			b.WriteRune(c)
		}
		i += size
	}
	return b.String()
}

// Excerpt is EscapeText of s's first max characters, with "…" when s is
// longer.
func Excerpt(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return EscapeText(s[:i]) + "…"
		}
		n++
	}
	return EscapeText(s)
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if (c == utf8.RuneError && size == 1) || unsafeRune(c) {
			return true
		}
		i += size
	}
	return false
}

func unsafeRune(c rune) bool {
	return unicode.IsControl(c) || unicode.Is(unicode.Cf, c) || c == '\u2028' || c == '\u2029'
}
