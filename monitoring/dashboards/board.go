package dashboards

// Board is one dashboard and who it is for.
type Board struct {
	UID      string // stable, so links and provisioning survive regeneration
	File     string // file name under deploy/grafana/dashboards
	Title    string
	Audience string
	// Summary says what the board answers, for the README and Grafana.
	Summary string
	// Vars are the board's filters; the panels' expressions use them.
	Vars     []Var
	Sections []Section
}

// Section is a row of panels.
type Section struct {
	Title  string
	Panels []Panel
}

// Kind is how a panel draws its data.
type Kind int

// Panel kinds.
const (
	TimeSeries Kind = iota // a value over time
	Stat                   // the current value, large
	Bars                   // current values by label, as horizontal bars (a bar gauge)
)

// Panel is one panel: its queries and what it tells the person looking.
type Panel struct {
	Title   string
	Kind    Kind
	Unit    string // Grafana unit id: "s", "percentunit", "short", "none"
	Tells   string
	Queries []Query
	// Colors is required on Stat and Bars panels: how a value turns
	// amber or red.
	Colors Thresholds
	// Links lead from the panel into Docket's web UI.
	Links []Link
}

// Query is one PromQL expression of a panel. Expressions may use
// Grafana's $__rate_interval and $__range and the board's variables
// ($queue, $bot, $portal); Runnable turns one into what Prometheus runs.
type Query struct {
	Expr   string
	Legend string // Grafana legend format, e.g. "{{bot}} {{outcome}}"
}

// q is a Query.
func q(expr, legend string) Query { return Query{Expr: expr, Legend: legend} }

// Expressions lists every query expression of the boards, in order.
func Expressions(boards []Board) []string {
	var out []string
	for _, b := range boards {
		for _, s := range b.Sections {
			for _, p := range s.Panels {
				for _, q := range p.Queries {
					out = append(out, q.Expr)
				}
			}
		}
	}
	return out
}
