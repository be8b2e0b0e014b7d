package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

// rawControls are what a terminal acts on: CR rewrites the line, ESC
// starts a control sequence, U+202E reverses what follows.
const rawControls = "\r\x1b\u202e\u2066\x00"

// TestCLIEscapesExternalText: a run error quoting the portal (CR/LF, an
// ANSI sequence, U+202E) and a file name from outside print as one line
// with those characters escaped, in the run summary and in the error line.
func TestCLIEscapesExternalText(t *testing.T) {
	s := runSummary(orchestrator.Run{Bot: "coding-holds", Status: orchestrator.RunFailed,
		Error: "account 1004 says \"late\r\nall 2 bot runs succeeded\x1b[2K\u202edeliver\x00"}, orchestrator.Bot{Name: "coding-holds", Portal: "coding-worklist"})
	if strings.ContainsAny(s, rawControls+"\n") || !strings.Contains(s, `late\r\nall 2 bot runs succeeded\u{001B}[2K\u{202E}deliver\u{0000}`) {
		t.Errorf("run summary %q", s)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"evidence", "verify", t.TempDir() + "/bundle\r\x1b[2J\u202e.tar.gz"},
		[]string{"DOCKET_DATA_DIR=" + t.TempDir()}, strings.NewReader(""), &stdout, &stderr)
	line := stderr.String()
	if code == exitOK || strings.ContainsAny(line, rawControls) || strings.Count(line, "\n") != 1 || !strings.Contains(line, `bundle\r\u{001B}[2J\u{202E}.tar.gz`) {
		t.Errorf("exit %d, stderr %q", code, line)
	}
}
