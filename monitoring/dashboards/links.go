package dashboards

import "strings"

// Link leads from a panel into Docket's web UI. Path is relative to the
// board's $docket_url and uses the inbox's own query parameters (queue,
// sla, reason, status) or the bots page's bot; ${__field.labels.x} is the
// label x of the value clicked.
type Link struct {
	Title string
	Path  string
}

// PerValue says the link names the value clicked, so it is a data link
// (on each value) rather than a panel link (in the panel's corner).
func (l Link) PerValue() bool { return strings.Contains(l.Path, "${__field.") }

// URL is the link as Grafana stores it.
func (l Link) URL() string { return "${" + URLVar + "}" + l.Path }

// Links into the inbox and the bots page. A value's queue, SLA state or
// bot opens the inbox or run list filtered to it.
var (
	inboxQueue    = Link{"Open this queue's tasks in the inbox", "/inbox?queue=${__field.labels.queue}"}
	inboxBreached = Link{"Open this queue's breached tasks", "/inbox?queue=${__field.labels.queue}&sla=breached"}
	inboxAtRisk   = Link{"Open this queue's tasks at risk", "/inbox?queue=${__field.labels.queue}&sla=at_risk"}
	inboxReason   = Link{"Open these tasks in the inbox", "/inbox?queue=${__field.labels.queue}&reason=${__field.labels.reason}"}
	// A failed run's task has the item reference "bot:<bot>" and a reason
	// that names its bot, so the inbox finds them by the reference's prefix.
	inboxRunTasks = Link{"Open this queue's failed-run tasks", "/inbox?queue=${__field.labels.queue}&q=bot:"}
	allBreached   = Link{"Inbox: breached tasks", "/inbox?sla=breached"}
	allAtRisk     = Link{"Inbox: tasks at risk", "/inbox?sla=at_risk"}
	queuesPage    = Link{"Queues in Docket", "/queues"}
	botRuns       = Link{"Open this bot's runs", "/bots?bot=${__field.labels.bot}"}
	botsPage      = Link{"Bots and runs in Docket", "/bots"}
	schedulesPage = Link{"Schedules in Docket", "/schedules"}
)

// AllLinks lists every panel link of the boards, in order.
func AllLinks(boards []Board) []Link {
	var out []Link
	for _, b := range boards {
		for _, s := range b.Sections {
			for _, p := range s.Panels {
				out = append(out, p.Links...)
			}
		}
	}
	return out
}
