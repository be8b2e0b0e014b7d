package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/go-rod/rod"
	"github.com/spf13/cobra"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/flow"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// newSelectorsCmd groups the selector file operations.
func newSelectorsCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "selectors",
		Short:   "Work with selector files",
		Example: "  docket selectors check claim-scrubber --url http://127.0.0.1:8090/login",
		Args:    exactArgs(0),
	}
	cmd.AddCommand(newSelectorsCheckCmd(cfg, stdout))
	return cmd
}

// selectorCheck is one element's result on the checked page.
type selectorCheck struct {
	Element string
	Index   int // the candidate that matched; -1 when none did
	Count   int // how many elements it matched
	Tried   []string
}

func newSelectorsCheckCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	var pageURL, version, dir string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "check PORTAL --url URL",
		Short: "Report which candidate of every selector element matches a live page",
		Long: `check opens URL in the worker's Chromium and reports, for every element of the
portal's selector file, which candidate matched (0 is the first choice, more is a
fallback) or that none did. Elements that belong on other pages of the portal miss
on this one; check each page you care about. Without --version every layout of the
portal is checked and the one whose marker element matches is named.

A note names every candidate the bots' reader of fetched pages cannot evaluate
(bots read server-rendered pages such as account and claim pages without the
browser; a bot refuses a file with such a candidate on an element it reads there).

The exit status is non-zero when no layout's marker element (or, for files without
a marker, no element at all) matches the page.`,
		Example: "  docket selectors check coding-worklist --url http://127.0.0.1:8089/login\n" +
			"  docket selectors check coding-worklist --url http://127.0.0.1:8089/login --version v2 --selectors-dir ./my-selectors",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if pageURL == "" {
				return usageError{errors.New("--url is required")}
			}
			files, err := checkFiles(args[0], version, dir, cfg.PacksDir)
			if err != nil {
				return usageError{err}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			pool, err := bots.NewPool(bots.PoolConfig{Bin: cfg.Worker.ChromiumPath, StepTimeout: timeout, Subreaper: true})
			if err != nil {
				return err
			}
			if err := pool.Start(ctx); err != nil {
				return err
			}
			defer pool.Stop()
			s, err := pool.Session(ctx, bots.Target{Portal: args[0], BaseURL: pageURL})
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Step(ctx, "open", func(p *rod.Page) error {
				if err := p.Navigate(pageURL); err != nil {
					return err
				}
				if err := p.WaitLoad(); err != nil {
					return err
				}
				// Let a page script render (a worklist behind a spinner).
				return p.WaitDOMStable(300*time.Millisecond, 0)
			}); err != nil {
				return err
			}
			matchedLayout := false
			for _, f := range files {
				results, err := checkPage(ctx, s, f)
				if err != nil {
					return err
				}
				if printCheck(stdout, f, results) {
					matchedLayout = true
				}
			}
			if !matchedLayout {
				return errors.New("selectors check: the page matches no layout of " + args[0])
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&pageURL, "url", "", "the page to check (required)")
	f.StringVar(&version, "version", "", "check only this layout version (default: every version)")
	f.StringVar(&dir, "selectors-dir", "", "override directory laid out as <portal>/<version>.yaml")
	f.DurationVar(&timeout, "timeout", 30*time.Second, "overall time limit")
	return cmd
}

// checkFiles returns the selector files to check: the embedded ones, and
// the portal packs' (built in and packs_dir's), overlaid by dir's.
func checkFiles(portal, version, dir, packsDir string) ([]*selectors.File, error) {
	c, err := selectors.Embedded()
	if err != nil {
		return nil, err
	}
	ps, err := flow.Load(packsDir)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		pc, err := selectors.NewCatalog(p.Layouts...)
		if err != nil {
			return nil, err
		}
		c = c.With(pc)
	}
	if dir != "" {
		over, err := selectors.LoadDir(dir)
		if err != nil {
			return nil, err
		}
		c = c.With(over)
	}
	if version != "" {
		f, err := c.Version(portal, version)
		if err != nil {
			return nil, err
		}
		return []*selectors.File{f}, nil
	}
	return c.Files(portal)
}

// checkJS counts each candidate's matches on the page ({css} or {xpath},
// bots.InPageCandidate; -1 when the browser cannot evaluate it). It holds
// no selector: they come from the file.
const checkJS = `(spec) => spec.map((el) => el.candidates.map((c) => {
  try {
    if (c.css) return document.querySelectorAll(c.css).length;
    return document.evaluate(c.xpath, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null).snapshotLength;
  } catch (e) {
    return -1;
  }
}))`

func checkPage(ctx context.Context, s *bots.Session, f *selectors.File) ([]selectorCheck, error) {
	names := make([]string, 0, len(f.Elements))
	for n := range f.Elements {
		names = append(names, n)
	}
	slices.Sort(names)
	spec := make([]*bots.InPageElement, len(names))
	for i, n := range names {
		spec[i] = bots.InPage(f, n)
	}
	var counts [][]int
	err := s.Step(ctx, "check "+f.Version, func(p *rod.Page) error {
		res, err := p.Eval(checkJS, spec)
		if err != nil {
			return err
		}
		return res.Value.Unmarshal(&counts)
	})
	if err != nil {
		return nil, err
	}
	out := make([]selectorCheck, len(names))
	for i, n := range names {
		out[i] = selectorCheck{Element: n, Index: -1, Tried: f.Elements[n].Tried()}
		for j, c := range counts[i] {
			if c > 0 {
				out[i].Index, out[i].Count = j, c
				break
			}
		}
	}
	return out, nil
}

// printCheck writes one file's results and reports whether the page is of
// this layout (its marker matched, or anything matched without a marker).
func printCheck(w io.Writer, f *selectors.File, results []selectorCheck) bool {
	matched, marker := 0, f.Marker == ""
	for _, r := range results {
		if r.Index >= 0 {
			matched++
			if r.Element == f.Marker {
				marker = true
			}
		}
	}
	layout := marker && matched > 0
	verdict := "this page is not of this layout (marker " + f.Marker + " missed)"
	if layout {
		verdict = "this page is of this layout"
	}
	fmt.Fprintf(w, "%s %s (%s): %d of %d elements matched; %s\n", f.Portal, f.Version, f.Source, matched, len(results), verdict)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, r := range results {
		if r.Index < 0 {
			fmt.Fprintf(tw, "  %s\tmiss\t(tried %d candidates)\n", r.Element, len(r.Tried))
			continue
		}
		fmt.Fprintf(tw, "  %s\tcandidate %d\t%s\t(%d on page)\n", r.Element, r.Index, r.Tried[r.Index], r.Count)
	}
	_ = tw.Flush()
	// Bots read server-rendered pages without the browser (bots.HTMLPage),
	// where a few selectors Chromium knows do not work; say which, as the
	// bot would refuse the file.
	for _, r := range results {
		if err := bots.CheckHTMLReadable(f, r.Element); err != nil {
			fmt.Fprintf(w, "  note: cannot be read off a fetched page: %s\n", orchestrator.EscapeText(err.Error()))
		}
	}
	return layout
}
