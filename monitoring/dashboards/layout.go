package dashboards

import "github.com/grafana/grafana-foundation-sdk/go/dashboard"

// GridWidth is Grafana's grid: 24 columns.
const GridWidth = 24

// size is a panel kind's width and height in grid units: four stats or
// two graphs side by side.
func size(k Kind) (w, h uint32) {
	if k == Stat {
		return 6, 6
	}
	return 12, 8
}

type sectionPos struct {
	row    dashboard.GridPos
	panels []dashboard.GridPos
}

// layout places each section's row across the grid and its panels below
// it, left to right, starting a new line where the next would not fit.
// Positions are set here, not left to the SDK, which lets a panel run past
// column 24 when the widths of a line do not add up.
func layout(b Board) []sectionPos {
	var out []sectionPos
	y := uint32(0)
	for _, s := range b.Sections {
		sp := sectionPos{row: dashboard.GridPos{X: 0, Y: y, W: GridWidth, H: 1}}
		y++
		x, line := uint32(0), uint32(0)
		for _, p := range s.Panels {
			w, h := size(p.Kind)
			if x+w > GridWidth {
				x, y, line = 0, y+line, 0
			}
			sp.panels = append(sp.panels, dashboard.GridPos{X: x, Y: y, W: w, H: h})
			x += w
			line = max(line, h)
		}
		y += line
		out = append(out, sp)
	}
	return out
}
