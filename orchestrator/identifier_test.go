package orchestrator_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

func TestCheckExternalID(t *testing.T) {
	for _, id := range []string{"1004000217", "CLM000000123:E01", "Q-0000042", "a.b_c/d#e"} {
		if err := orchestrator.CheckExternalID(id); err != nil {
			t.Errorf("CheckExternalID(%q) = %v, want nil", id, err)
		}
	}
	for id, want := range map[string]string{
		"":                        "empty",
		strings.Repeat("1", 5000): "5000 bytes long",
		"100\r\n4217":             "control character (U+000D) at character 4",
		"1004\u202e217":           "formatting character (U+202E) at character 5",
		"10 04":                   "U+0020 at character 3",
		"-1004":                   "U+002D at character 1",
		"1004\xff":                "not valid UTF-8",
		"１００４":                    "U+FF11 at character 1",
	} {
		err := orchestrator.CheckExternalID(id)
		if !errors.Is(err, orchestrator.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckExternalID(%.20q) = %v, want an invalid error saying %q", id, err, want)
		}
	}
}

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, é and 日本":            "plain text, é and 日本",
		"line1\r\nline2\tx":               `line1\r\nline2\tx`,
		"abc\u202edef\u2066x\u200by":      `abc\u{202E}def\u{2066}x\u{200B}y`,
		"\x1b[31mred\x1b[0m":              `\u{001B}[31mred\u{001B}[0m`,
		`a\nb "q\r"`:                      `a\nb "q\r"`,
		"bad\xffutf8":                     `bad\x{FF}utf8`,
		"para\u2029graph\u2028line\u0085": `para\u{2029}graph\u{2028}line\u{0085}`,
	} {
		if got := orchestrator.EscapeText(in); got != want {
			t.Errorf("EscapeText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := orchestrator.Excerpt("12\r345", 4); got != `12\r3…` {
		t.Errorf("Excerpt = %q", got)
	}
	if got := orchestrator.Excerpt("1234", 4); got != "1234" {
		t.Errorf("Excerpt of a short string = %q", got)
	}
}
