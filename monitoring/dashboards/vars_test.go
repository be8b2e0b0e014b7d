package dashboards

import (
	"regexp"
	"strings"
	"testing"
)

var usedVar = regexp.MustCompile(`\$([a-z_]+)`)

// TestBoardVariablesAreUsed: a filter no panel reads changes nothing; an
// expression naming a variable its board lacks shows nothing. Every
// expression that reads a metric with the filtered label filters on it.
func TestBoardVariablesAreUsed(t *testing.T) {
	labelled := map[string]*regexp.Regexp{
		"queue":  regexp.MustCompile(`docket_(work_items|open_work_items|open_work_item_age|open_quer|human_task|qa_samples|work_item_turnaround)`),
		"bot":    regexp.MustCompile(`docket_(bot_|scheduler_slots)`),
		"portal": regexp.MustCompile(`docket_selector_`),
	}
	for _, b := range All() {
		declared := map[string]bool{"__rate_interval": true, "__range": true}
		for _, v := range b.Vars {
			declared[v.Name] = true
		}
		uses := map[string]int{}
		for _, e := range Expressions([]Board{b}) {
			for _, m := range usedVar.FindAllStringSubmatch(e, -1) {
				uses[m[1]]++
				if !declared[m[1]] {
					t.Errorf("%s: $%s is not a variable of the board: %s", b.UID, m[1], e)
				}
			}
			for _, v := range b.Vars {
				if labelled[v.On].MatchString(e) && !strings.Contains(e, v.On+`=~"$`+v.Name+`"`) {
					t.Errorf("%s: expression ignores $%s: %s", b.UID, v.Name, e)
				}
			}
		}
		for _, v := range b.Vars {
			if uses[v.Name] == 0 {
				t.Errorf("%s: no panel uses $%s", b.UID, v.Name)
			}
		}
	}
	names := map[string]bool{}
	for _, b := range All() {
		for _, v := range b.Vars {
			names[v.Name] = true
		}
	}
	for _, want := range []string{"queue", "bot", "portal"} {
		if !names[want] {
			t.Errorf("no board has $%s", want)
		}
	}
}

// cumulative are counters and histograms that count since the start:
// shown raw they are all-time figures where a window is meant.
var cumulative = regexp.MustCompile(`docket_[a-z_]+_total\b|docket_(bot_run_duration_seconds|bot_step_duration_seconds|browser_session_wait_seconds|human_task_resolution_seconds|work_item_turnaround_workdays)_bucket\b`)

var windowed = regexp.MustCompile(`(increase|rate)\(\s*$`)

func TestCumulativeMetricsAreWindowed(t *testing.T) {
	n := 0
	for _, e := range Expressions(All()) {
		for _, m := range cumulative.FindAllStringIndex(e, -1) {
			n++
			if !windowed.MatchString(e[:m[0]]) {
				t.Errorf("%s is shown since the start, not over a window: %s", e[m[0]:m[1]], e)
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d cumulative metrics found: the pattern no longer fits", n)
	}
}

func TestRunnableSelectsAll(t *testing.T) {
	got := Runnable(`sum by (bot) (increase(x{bot=~"$bot",queue=~"$queue",portal=~"$portal"}[$__range])) / rate(y[$__rate_interval])`)
	want := `sum by (bot) (increase(x{bot=~".*",queue=~".*",portal=~".*"}[1h])) / rate(y[1m])`
	if got != want {
		t.Fatalf("Runnable = %s", got)
	}
}

// TestLinksLeadIntoDocket: every panel with a queue, bot or SLA figure
// links into the web UI at $docket_url.
func TestLinksLeadIntoDocket(t *testing.T) {
	n := 0
	for _, b := range All() {
		for _, p := range generated(t, b) {
			for _, l := range append(p.Links, p.FieldConfig.Defaults.Links...) {
				n++
				if !strings.HasPrefix(l.URL, "${"+URLVar+"}/") {
					t.Errorf("%s: %q links outside Docket: %s", b.UID, p.Title, l.URL)
				}
			}
		}
	}
	for _, title := range []string{"Open SLA breaches", "Tasks at risk"} {
		for _, s := range WorkQueues().Sections {
			for _, p := range s.Panels {
				if p.Title == title && (len(p.Links) == 0 || !strings.Contains(p.Links[0].Path, "/inbox?")) {
					t.Errorf("%q does not open the inbox", title)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d links", n)
	}
}
