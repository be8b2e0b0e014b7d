package dashboards

import (
	"fmt"
	"strings"
)

// Markdown renders the boards' panels as README tables: title, query and
// what it tells.
func Markdown(boards []Board) string {
	var sb strings.Builder
	for _, b := range boards {
		fmt.Fprintf(&sb, "#### %s\n\n", b.Title)
		fmt.Fprintf(&sb, "For %s: %s File `deploy/grafana/dashboards/%s`, uid `%s`.", b.Audience, b.Summary, b.File, b.UID)
		if len(b.Vars) > 0 {
			var vs []string
			for _, v := range b.Vars {
				vs = append(vs, fmt.Sprintf("`$%s` (%s)", v.Name, v.Label))
			}
			fmt.Fprintf(&sb, " Filters: %s.", strings.Join(vs, ", "))
		}
		sb.WriteString("\n\n| panel | query | what it tells | colours |\n|---|---|---|---|\n")
		for _, s := range b.Sections {
			for _, p := range s.Panels {
				var qs []string
				for _, q := range p.Queries {
					qs = append(qs, "`"+strings.ReplaceAll(q.Expr, "|", `\|`)+"`")
				}
				fmt.Fprintf(&sb, "| %s / %s | %s | %s | %s |\n", s.Title, p.Title, strings.Join(qs, "<br>"), strings.ReplaceAll(p.Tells, "|", `\|`), p.Colors)
			}
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// README markers around the generated tables.
const (
	BeginMarker = "<!-- BEGIN generated dashboard tables: go generate ./monitoring/dashboards -->"
	EndMarker   = "<!-- END generated dashboard tables -->"
)

// SpliceREADME replaces what lies between the markers in readme with the
// tables; it fails when the markers are missing.
func SpliceREADME(readme string, boards []Board) (string, error) {
	start := strings.Index(readme, BeginMarker)
	end := strings.Index(readme, EndMarker)
	if start < 0 || end < start {
		return "", fmt.Errorf("dashboards: README lacks the markers %q and %q", BeginMarker, EndMarker)
	}
	return readme[:start+len(BeginMarker)] + "\n\n" + Markdown(boards) + readme[end:], nil
}
