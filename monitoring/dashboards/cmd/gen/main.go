// Command gen writes Docket's Grafana dashboards to
// deploy/grafana/dashboards and their panel tables into README.md.
//
//	go run ./monitoring/dashboards/cmd/gen -root .
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/docket-rpa/docket/monitoring/dashboards"
)

func main() {
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	dir := filepath.Join(root, "deploy", "grafana", "dashboards")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	boards := dashboards.All()
	for _, b := range boards {
		out, err := dashboards.JSON(b)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, b.File), out, 0o644); err != nil {
			return err
		}
	}
	readmePath := filepath.Join(root, "README.md")
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		return err
	}
	spliced, err := dashboards.SpliceREADME(string(readme), boards)
	if err != nil {
		return err
	}
	return os.WriteFile(readmePath, []byte(spliced), 0o644)
}
