package dashboards

import (
	"encoding/json"
	"testing"
)

// gridPanel is what the grid, threshold and link tests read of a
// generated panel.
type gridPanel struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	GridPos struct {
		X, Y, W, H int
	} `json:"gridPos"`
	Links       []struct{ URL string } `json:"links"`
	FieldConfig struct {
		Defaults struct {
			Color      struct{ Mode string } `json:"color"`
			Thresholds *struct {
				Steps []struct {
					Value *float64 `json:"value"`
					Color string   `json:"color"`
				} `json:"steps"`
			} `json:"thresholds"`
			Links []struct{ URL string } `json:"links"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

func generated(t *testing.T, b Board) []gridPanel {
	t.Helper()
	out, err := JSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Panels []gridPanel }
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	return d.Panels
}

// TestPanelsStayOnTheGrid checks every generated dashboard's layout: no
// panel past column 24, none overlapping another, each row above its
// panels and below the previous row's.
func TestPanelsStayOnTheGrid(t *testing.T) {
	for _, b := range All() {
		ps := generated(t, b)
		rowY := -1
		for i, p := range ps {
			g := p.GridPos
			if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > GridWidth {
				t.Errorf("%s: %q at x=%d w=%d is off the %d-column grid", b.UID, p.Title, g.X, g.W, GridWidth)
			}
			if p.Type == "row" {
				if g.Y <= rowY || g.X != 0 || g.W != GridWidth {
					t.Errorf("%s: row %q at y=%d is not a full-width line below the row at y=%d", b.UID, p.Title, g.Y, rowY)
				}
				rowY = g.Y
			} else if g.Y <= rowY {
				t.Errorf("%s: %q at y=%d is not below its row at y=%d", b.UID, p.Title, g.Y, rowY)
			}
			for _, o := range ps[:i] {
				h := o.GridPos
				if g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
					t.Errorf("%s: %q overlaps %q", b.UID, p.Title, o.Title)
				}
			}
		}
	}
}

// TestStatsAndGaugesHaveThresholds: a stat or bar gauge without
// thresholds shows 25 SLA breaches in green. Each has a base colour and
// at least one step, and colours its values by them.
func TestStatsAndGaugesHaveThresholds(t *testing.T) {
	n := 0
	for _, b := range All() {
		for _, p := range generated(t, b) {
			if p.Type != "stat" && p.Type != "bargauge" && p.Type != "gauge" {
				continue
			}
			n++
			th := p.FieldConfig.Defaults.Thresholds
			if th == nil || len(th.Steps) < 2 || th.Steps[0].Value != nil || th.Steps[0].Color == "" {
				t.Errorf("%s: %s %q has no thresholds of its own", b.UID, p.Type, p.Title)
				continue
			}
			for i := 1; i < len(th.Steps); i++ {
				s := th.Steps[i]
				if s.Value == nil || s.Color == "" || (i > 1 && *s.Value <= *th.Steps[i-1].Value) {
					t.Errorf("%s: %q threshold %d is not a rising value with a colour", b.UID, p.Title, i)
				}
			}
			if p.FieldConfig.Defaults.Color.Mode != "thresholds" {
				t.Errorf("%s: %q does not colour by its thresholds", b.UID, p.Title)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d stat and gauge panels found", n)
	}
}

// TestSLABreachesShowRed holds the finding that started this: a single
// open breach is red, an at-risk task amber.
func TestSLABreachesShowRed(t *testing.T) {
	colour := func(title string, v float64) string {
		for _, s := range WorkQueues().Sections {
			for _, p := range s.Panels {
				if p.Title == title {
					c := p.Colors.Base
					for _, st := range p.Colors.Steps {
						if v >= st.From {
							c = st.Color
						}
					}
					return c
				}
			}
		}
		t.Fatalf("no panel %q", title)
		return ""
	}
	if c := colour("Open SLA breaches", 1); c != red {
		t.Errorf("1 open breach shows %s", c)
	}
	if c := colour("Open SLA breaches", 0); c != green {
		t.Errorf("no breach shows %s", c)
	}
	if c := colour("Tasks at risk", 2); c != amber {
		t.Errorf("2 tasks at risk show %s", c)
	}
}
