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
	for _, v := range b.Vars {
		db = db.WithVariable(variable(v, ds))
	}
	db = db.WithVariable(dashboard.NewTextBoxVariableBuilder(URLVar).Label("Docket URL").
		Description("Base URL of Docket's web UI; panel links open the inbox and runs there.").
		DefaultValue(dashboard.StringOrMap{String: cog.ToPtr(DefaultURL)}).
		Current(dashboard.VariableOption{Text: dashboard.StringOrArrayOfString{String: cog.ToPtr(DefaultURL)},
			Value: dashboard.StringOrArrayOfString{String: cog.ToPtr(DefaultURL)}}))
	pos := layout(b)
	for i, s := range b.Sections {
		db = db.WithRow(dashboard.NewRowBuilder(s.Title).GridPos(pos[i].row))
		for j, p := range s.Panels {
			db = db.WithPanel(panel(p, ds, pos[i].panels[j]))
		}
	}
	return db.Build()
}

// variable is v as a Grafana query variable: multi-select with All.
func variable(v Var, ds common.DataSourceRef) cog.Builder[dashboard.VariableModel] {
	query := fmt.Sprintf("label_values(%s, %s)", v.Metric, v.On)
	all := dashboard.StringOrArrayOfString{ArrayOfString: []string{"$__all"}}
	return dashboard.NewQueryVariableBuilder(v.Name).Label(v.Label).Datasource(ds).
		Query(dashboard.StringOrMap{String: cog.ToPtr(query)}).Definition(query).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(true).IncludeAll(true).AllValue(AllValue).
		Current(dashboard.VariableOption{Text: dashboard.StringOrArrayOfString{ArrayOfString: []string{"All"}}, Value: all})
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

func thresholds(t Thresholds) cog.Builder[dashboard.ThresholdsConfig] {
	steps := []dashboard.Threshold{{Color: t.Base}} // a nil value is -Infinity
	for _, s := range t.Steps {
		steps = append(steps, dashboard.Threshold{Value: cog.ToPtr(s.From), Color: s.Color})
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps)
}

// links splits p's links into data links (per value) and panel links.
func links(p Panel) (data, panel []cog.Builder[dashboard.DashboardLink]) {
	for _, l := range p.Links {
		b := dashboard.NewDashboardLinkBuilder(l.Title).Type(dashboard.DashboardLinkTypeLink).Url(l.URL()).TargetBlank(true)
		if l.PerValue() {
			data = append(data, b)
		} else {
			panel = append(panel, b)
		}
	}
	return data, panel
}

func panel(p Panel, ds common.DataSourceRef, at dashboard.GridPos) cog.Builder[dashboard.Panel] {
	data, corner := links(p)
	byThreshold := dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)
	switch p.Kind {
	case Stat:
		return stat.NewPanelBuilder().Title(p.Title).Description(p.Tells).Unit(p.Unit).Datasource(ds).
			Targets(targets(p, ds)).GridPos(at).Thresholds(thresholds(p.Colors)).ColorScheme(byThreshold).
			Links(corner).DataLinks(data).ColorMode(common.BigValueColorModeBackground).
			GraphMode(common.BigValueGraphModeArea).TextMode(common.BigValueTextModeValueAndName)
	case Bars:
		return bargauge.NewPanelBuilder().Title(p.Title).Description(p.Tells).Unit(p.Unit).Datasource(ds).
			Targets(targets(p, ds)).GridPos(at).Min(0).Thresholds(thresholds(p.Colors)).ColorScheme(byThreshold).
			Links(corner).DataLinks(data).
			Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeGradient)
	default:
		return timeseries.NewPanelBuilder().Title(p.Title).Description(p.Tells).Unit(p.Unit).Datasource(ds).
			Targets(targets(p, ds)).GridPos(at).Min(0).Links(corner).DataLinks(data).
			Legend(common.NewVizLegendOptionsBuilder().ShowLegend(true).
				DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom)).
			Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
	}
}
