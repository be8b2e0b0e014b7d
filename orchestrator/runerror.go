package orchestrator

import (
	"regexp"
	"strings"
)

// RunErrorWords is a failed run's recorded error told to people: what
// happened and what to do about it, in the words the inbox, the CLI and
// the automation team's tasks all use. The recorded error (Run.Error)
// stays as the worker wrote it, for the logs; this is the one place that
// turns it into a sentence. The known conditions are the bots' sentinel
// errors and the runner's own messages, matched by their fixed wording;
// anything else keeps its text without the package prefixes and the
// queue's retry marker.
func RunErrorWords(bot Bot, msg string) string {
	if msg == "" {
		return ""
	}
	// A bot this process does not know: its portal is named generically.
	p := portalName{Name: bot.Portal, Arg: bot.Portal}
	if p.Name == "" {
		p = portalName{Name: "the portal", Arg: "PORTAL"}
	}
	for _, w := range runErrorWords {
		if m := w.match.FindStringSubmatch(msg); m != nil {
			return w.say(p, bot.Name, m)
		}
	}
	return plainRunError(msg)
}

// runErrorWord is one known condition: the pattern of its recorded error
// and the sentence people read.
type runErrorWord struct {
	match *regexp.Regexp
	say   func(p portalName, bot string, m []string) string
}

// portalName is a portal in a sentence (Name) and in a command (Arg).
type portalName struct{ Name, Arg string }

// runErrorWords are tried in order; the first match speaks.
var runErrorWords = []runErrorWord{ // read-only table
	{regexp.MustCompile(`portal rejected the login`), func(p portalName, _ string, _ []string) string {
		return "the portal rejected the sign-in for " + p.Name + "; check its credentials with `docket credentials set " + p.Arg + "`"
	}},
	{regexp.MustCompile(`portal is down for maintenance`), func(p portalName, _ string, _ []string) string {
		return p.Name + " showed its maintenance page; the next scheduled run tries again after the window"
	}},
	{regexp.MustCompile(`portal unavailable`), func(p portalName, _ string, _ []string) string {
		return p.Name + " kept answering with server errors, also after the bot's retries; check that the portal is up, then run the bot again"
	}},
	{regexp.MustCompile(`portal session ended`), func(p portalName, _ string, _ []string) string {
		return p.Name + " ended the bot's session during the run and signing in again did not help; run the bot again, and check the portal's session limits if it keeps happening"
	}},
	{regexp.MustCompile(`selector broken: element (\S+) not found`), func(p portalName, _ string, m []string) string {
		return "a page of " + p.Name + " no longer looks as its selector file expects (element " + m[1] + " not found); see the run's screenshot, update the selectors and check them with `docket selectors check " + p.Arg + "`"
	}},
	{regexp.MustCompile(`no chromium found`), func(portalName, string, []string) string {
		return "the worker found no Chromium to run the bot in; install it on the worker (`make deps` installs chromium-headless-shell)"
	}},
	{regexp.MustCompile(`bot is not configured on this worker|bot "[^"]*" is not configured`), func(_ portalName, bot string, _ []string) string {
		return "the worker that took the run has no bot named " + bot + "; give the workers the same configuration as the scheduler"
	}},
	{regexp.MustCompile(`context deadline exceeded|timed out|timeout`), func(p portalName, _ string, _ []string) string {
		return "a step on " + p.Name + " took longer than its time limit; the portal may be slow (see the run's last screenshot), and the bot's timeout can be raised in its configuration"
	}},
	{regexp.MustCompile(`vault: sealed value cannot be opened`), func(p portalName, _ string, _ []string) string {
		return "the stored credentials for " + p.Name + " cannot be opened with this worker's key; set them again with `docket credentials set " + p.Arg + "`"
	}},
}

// prefixRE matches the package prefixes wrapped errors carry
// ("bots: ", "claimscrubber: ").
var prefixRE = regexp.MustCompile(`(^|: )[a-z][a-z0-9]*: `) // read-only

// skipRetryMarker is the text asynq's SkipRetry adds to a run's last error.
const skipRetryMarker = "skip retry for the task"

// plainRunError is an unknown run error with the queue's retry marker and
// the package prefixes taken out.
func plainRunError(msg string) string {
	msg = strings.ReplaceAll(msg, ": "+skipRetryMarker, "")
	msg = strings.ReplaceAll(msg, skipRetryMarker, "")
	for {
		n := prefixRE.ReplaceAllString(msg, "$1")
		if n == msg {
			break
		}
		msg = n
	}
	msg = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(msg), ":"))
	if msg == "" {
		return "the run failed without saying why; the worker's log has the details"
	}
	return msg
}
