// Package dashboards defines Docket's Grafana dashboards as code, with
// the Grafana Foundation SDK. Each board is data (sections of panels, each
// with its PromQL and what it tells) from which both the dashboard JSON
// in deploy/grafana/dashboards and the panel tables in the README are
// generated, so the two never disagree. A test fails when the checked-in
// files differ from what this code generates; regenerate with
//
//	go generate ./monitoring/dashboards
//
// It imports the SDK only; nothing of Docket's.
package dashboards

//go:generate go run ./cmd/gen -root ../..
