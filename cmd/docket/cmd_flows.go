package main

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/docket-rpa/docket/bots/flow"
)

// newFlowsCmd groups the flow and portal pack tools.
func newFlowsCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "flows",
		Short:   "Work with flows and portal packs",
		Example: "  docket flows lint\n  docket flows lint my-portal --packs-dir ./packs",
		Args:    exactArgs(0),
	}
	cmd.AddCommand(newFlowsLintCmd(cfg, stdout))
	return cmd
}

func newFlowsLintCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "lint [PACK...]",
		Short: "Check portal packs: every file against its schema, every element, expr and field",
		Long: `lint loads the built-in packs and those of packs_dir (or only the named ones, by
pack name or folder) and checks each as a worker does before it runs a pack: every
file against its schema (unknown keys are errors), every element a step names in
every layout its flow may run on, every expr and template compiles, every field a
flow reads is declared by its record kind with a type its parser fills. Each
finding names the file, the line and the step. The exit status is 1 when there is
any finding.`,
		Example: "  docket flows lint\n  docket flows lint coding-worklist --packs-dir ./packs",
		RunE: func(cmd *cobra.Command, args []string) error {
			reports, err := flow.LintPacks(cfg.PacksDir)
			if err != nil {
				return err
			}
			var picked []flow.PackReport
			for _, r := range reports {
				if len(args) == 0 || slices.Contains(args, r.Name) || slices.Contains(args, r.Folder) {
					picked = append(picked, r)
				}
			}
			for _, a := range args {
				if !slices.ContainsFunc(picked, func(r flow.PackReport) bool { return r.Name == a || r.Folder == a }) {
					return usageError{fmt.Errorf("no pack %q (built in or in packs_dir)", a)}
				}
			}
			findings := 0
			for _, r := range picked {
				where := "packs_dir"
				if r.Builtin {
					where = "built in"
				}
				status := "ok"
				if len(r.Findings) > 0 {
					status = fmt.Sprintf("%d findings", len(r.Findings))
				}
				fmt.Fprintf(stdout, "%s (%s, %s, version %.12s): %s\n", orDefault(r.Name, r.Folder), where, r.Source, r.Version, status)
				for _, f := range r.Findings {
					fmt.Fprintf(stdout, "  %s\n", f)
				}
				findings += len(r.Findings)
			}
			if findings > 0 {
				return reportedError{errors.New("flows lint: findings")}
			}
			return nil
		},
	}
}
