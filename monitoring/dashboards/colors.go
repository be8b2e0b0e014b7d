package dashboards

import (
	"fmt"
	"strconv"
)

// Thresholds colour a Stat or Bars panel's values: Base below the first
// step, each step's colour from its value up.
type Thresholds struct {
	Base  string
	Steps []Step
}

// Step is one threshold.
type Step struct {
	From  float64
	Color string
}

// Colours as Grafana names them.
const (
	green = "green"
	amber = "orange"
	red   = "red"
	blue  = "blue"
)

// badFrom is green below warn, amber from warn, red from alarm: counts
// and ages where more is worse.
func badFrom(warn, alarm float64) Thresholds {
	return Thresholds{Base: green, Steps: []Step{{warn, amber}, {alarm, red}}}
}

// redFrom is green below alarm and red from it: anything at all is a
// problem (an SLA breach, a rejected login).
func redFrom(alarm float64) Thresholds {
	return Thresholds{Base: green, Steps: []Step{{alarm, red}}}
}

// amberFrom is green below warn and amber from it: worth a look, not yet
// a problem (tasks due soon).
func amberFrom(warn float64) Thresholds {
	return Thresholds{Base: green, Steps: []Step{{warn, amber}}}
}

// goodFrom is red below warn, amber from warn, green from ok: ratios and
// counts where less is worse.
func goodFrom(warn, ok float64) Thresholds {
	return Thresholds{Base: red, Steps: []Step{{warn, amber}, {ok, green}}}
}

// volume is for counts that are workload, not trouble: blue, turning
// amber from a backlog worth a look.
func volume(backlog float64) Thresholds {
	return Thresholds{Base: blue, Steps: []Step{{backlog, amber}}}
}

// greenFrom is red below ok and green from it: something must be there
// (a worker up).
func greenFrom(ok float64) Thresholds {
	return Thresholds{Base: red, Steps: []Step{{ok, green}}}
}

// String is the thresholds for the README: "green, orange from 1, red
// from 3"; empty for a panel without.
func (t Thresholds) String() string {
	if t.Base == "" {
		return ""
	}
	out := t.Base
	for _, s := range t.Steps {
		out += fmt.Sprintf(", %s from %s", s.Color, strconv.FormatFloat(s.From, 'g', -1, 64))
	}
	return out
}
