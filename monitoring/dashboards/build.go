package dashboards

import (
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// DatasourceVar is the dashboard variable that selects the Prometheus
// datasource; the provisioned one is the default.
const DatasourceVar = "datasource"

// Build turns b into a Grafana dashboard.
func Build(b Board) (dashboard.Dashboard, error) {
	ds := common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${" + DatasourceVar + "}")}
	db := dashboard.NewDashboardBuilder(b.Title).
		Uid(b.UID).
		Description(b.Summary).
		Tags([]string{"docket", b.Audience}).
		Refresh("30s").
		Time("now-6h", "now").
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		WithVariable(dashboard.NewDatasourceVariableBuilder(DatasourceVar).Label("Prometheus").Type("prometheus"))
	for _, s := range b.Sections {
		db = db.WithRow(dashboard.NewRowBuilder(s.Title))
		for _, p := range s.Panels {
			db = db.WithPanel(panel(p, ds))
		}
	}
	return db.Build()
}

// JSON is the dashboard as provisioned: indented, with a final newline.
func JSON(b Board) ([]byte, error) {
	d, err := Build(b)
	if err != nil {
		return nil, fmt.Errorf("dashboards: build %s: %w", b.UID, err)
	}
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("dashboards: marshal %s: %w", b.UID, err)
	}
	return append(out, '\n'), nil
}

func targets(p Panel, ds common.DataSourceRef) []cog.Builder[variants.Dataquery] {
	var out []cog.Builder[variants.Dataquery]
	for i, q := range p.Queries {
		t := prometheus.NewDataqueryBuilder().Expr(q.Expr).LegendFormat(q.Legend).
			RefId(string(rune('A' + i))).Datasource(ds)
		if p.Kind != TimeSeries {
			t = t.Instant()
		} else {
			t = t.Range().Exemplar(true)
		}
		out = append(out, t)
	}
	return out
}

func panel(p Panel, ds common.DataSourceRef) cog.Builder[dashboard.Panel] {
	switch p.Kind {
	case Stat:
		return stat.NewPanelBuilder().Title(p.Title).Description(p.Tells).Unit(p.Unit).Datasource(ds).
			Targets(targets(p, ds)).Span(6).Height(6).
			GraphMode(common.BigValueGraphModeArea).TextMode(common.BigValueTextModeValueAndName)
	case Bars:
		return bargauge.NewPanelBuilder().Title(p.Title).Description(p.Tells).Unit(p.Unit).Datasource(ds).
			Targets(targets(p, ds)).Span(12).Height(8).Min(0).
			Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeGradient)
	default:
		return timeseries.NewPanelBuilder().Title(p.Title).Description(p.Tells).Unit(p.Unit).Datasource(ds).
			Targets(targets(p, ds)).Span(12).Height(8).Min(0).
			Legend(common.NewVizLegendOptionsBuilder().ShowLegend(true).
				DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom)).
			Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
	}
}
