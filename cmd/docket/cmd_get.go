package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/spf13/cobra"
)

// getOptions are the flags docket get's subcommands share.
type getOptions struct {
	output string // table or json
	bot    string
	status string
	queue  string
	limit  int
	bots   map[string]orchestrator.Bot // the configured bots, to tell a run's error in words
}

// A listing as docket get prints it: JSON records, and table rows.
type listing struct {
	records any        // a slice of the *View types below, for -o json
	header  []string   // table columns
	rows    [][]string // table cells; outside text escaped
}

func newGetCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	o := &getOptions{}
	cmd := &cobra.Command{
		Use:   "get",
		Short: "List bots, runs, tasks or work items from the database",
		Long: `get lists what the database holds, as a table or (-o json) as JSON records
with stable snake_case fields. Work items show their id, portal, kind, status
and queue, never the portal record's data.`,
		Example: "  docket get bots\n  docket get runs --bot coding-holds --status failed\n  docket get tasks --queue coding --status open -o json\n  docket get items --status failed --limit 20",
	}
	cmd.PersistentFlags().StringVarP(&o.output, "output", "o", "table", "output format: table or json")
	cmd.PersistentFlags().IntVar(&o.limit, "limit", 50, "at most this many records (1 to 1000)")
	sub := func(use, short, example string, list func(ctx context.Context, st orchestrator.Store, o getOptions) (listing, error)) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Example: example, Args: exactArgs(0),
			RunE: func(cmd *cobra.Command, _ []string) error {
				if o.output != "table" && o.output != "json" {
					return usageError{fmt.Errorf("--output %q: want table or json", o.output)}
				}
				if o.limit < 1 || o.limit > 1000 {
					return usageError{fmt.Errorf("--limit %d: want 1 to 1000", o.limit)}
				}
				a, err := newApp(*cfg, io.Discard)
				if err != nil {
					return err
				}
				defer a.close()
				st, err := a.openStore(cmd.Context())
				if err != nil {
					return err
				}
				o.bots = cfg.bots()
				l, err := list(cmd.Context(), st, *o)
				if err != nil {
					return err
				}
				return l.print(stdout, o.output)
			},
		}
	}
	bots := sub("bots", "List bots with their last run", "  docket get bots\n  docket get bots -o json", getBots)
	bots.Flags().StringVar(&o.bot, "bot", "", "only this bot")
	runs := sub("runs", "List runs, newest first", "  docket get runs --bot coding-holds --status failed", getRuns)
	runs.Flags().StringVar(&o.bot, "bot", "", "only this bot's runs")
	runs.Flags().StringVar(&o.status, "status", "", "only runs with this status: queued, running, retrying, succeeded or failed")
	tasks := sub("tasks", "List human tasks, oldest first", "  docket get tasks --queue coding --status open", getTasks)
	tasks.Flags().StringVar(&o.queue, "queue", "", "only this queue's tasks")
	tasks.Flags().StringVar(&o.status, "status", "", "only tasks with this status: open, unassigned, assigned, escalated or completed")
	items := sub("items", "List work items (id, portal, kind, status; no record data)", "  docket get items --queue coding --status failed", getItems)
	items.Flags().StringVar(&o.queue, "queue", "", "only this queue's items")
	items.Flags().StringVar(&o.status, "status", "", "only items with this status: new, in_progress, successful, failed or abandoned")
	cmd.AddCommand(bots, runs, tasks, items)
	return cmd
}

// print writes the listing as a table or as indented JSON.
func (l listing) print(w io.Writer, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(l.records); err != nil {
			return fmt.Errorf("docket: write json: %w", err)
		}
		return nil
	}
	if len(l.rows) == 0 {
		_, err := fmt.Fprintln(w, "No records.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(l.header, "\t"))
	for _, r := range l.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// oneOf checks a --status value.
func oneOf(flag, v string, allowed ...string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return usageError{fmt.Errorf("--%s %q: want one of %s", flag, v, strings.Join(allowed, ", "))}
}

// when formats a time for a table: UTC to the minute, "-" when unset.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// cell escapes outside text for a table and shortens it to n runes.
func cell(s string, n int) string {
	s = orchestrator.EscapeText(s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	if s == "" {
		return "-"
	}
	return s
}
