package dashboards

import (
	"regexp"
	"strings"
)

// Var is a board filter: a Grafana query variable over the values of one
// label of one metric, multi-select, "All" meaning any value.
type Var struct {
	Name   string // as expressions use it: $Name
	Label  string // shown above the drop-down
	Metric string // whose label values are the choices
	On     string // the label
}

// The board filters. Team queues come from the work items every serve
// exports; bots from the schedule, so a bot that never ran is listed;
// portals from the selector counters.
var (
	queueVar  = Var{Name: "queue", Label: "Queue", Metric: "docket_work_items", On: "queue"}
	botVar    = Var{Name: "bot", Label: "Bot", Metric: "docket_bot_consecutive_failures", On: "bot"}
	portalVar = Var{Name: "portal", Label: "Portal", Metric: "docket_selector_matches_total", On: "portal"}
)

// AllValue is what a variable stands for when "All" is chosen.
const AllValue = ".*"

// URLVar is the board variable holding the base URL of Docket's web UI,
// which panel links lead into.
const URLVar = "docket_url"

// DefaultURL is URLVar's default: serve's default address.
const DefaultURL = "http://127.0.0.1:8080"

// Windows Runnable substitutes for Grafana's interval variables.
const (
	RateInterval = "1m"
	Range        = "1h"
)

var boardVar = regexp.MustCompile(`\$(queue|bot|portal)\b`)

// Runnable is expr as Prometheus runs it with every filter at "All":
// the variables replaced by AllValue and the windows by RateInterval
// and Range.
func Runnable(expr string) string {
	expr = strings.ReplaceAll(expr, "$__rate_interval", RateInterval)
	expr = strings.ReplaceAll(expr, "$__range", Range)
	return boardVar.ReplaceAllString(expr, AllValue)
}
