// Package flow is Docket's flow engine: it loads portal packs (folders of
// data: a pack.yaml, selector files, flows and record kinds), checks them
// (Lint) and runs a flow as a bots.Bot, so tasks/ and the runner treat a
// flow like any hand-written bot.
//
// # Packs
//
// A pack folder holds
//
//	pack.yaml           name, portal, description, maintenance element,
//	                    sign-in recipe, per-layout settings (page size,
//	                    pinned layout)
//	selectors/*.yaml    one selector file per layout (package selectors'
//	                    format); each layout is told apart by its marker
//	                    element on its own start page, never by file order
//	flows/*.yaml        flows: a name, the record kind they emit and steps
//	kinds/*.yaml        record kinds (orchestrator.RecordKind)
//
// The built-in packs are embedded by package bots/packs; Load adds the
// packs of a packs_dir, which replace built-in packs of the same name. A
// pack's Version is the sha256 of its files (sorted paths and contents);
// every run records it with its evidence.
//
// Files are decoded from YAML nodes, strictly: an unknown key is an
// error, and every error names the file, the line and, in a flow, the
// step ("packs/x/flows/holds.yaml:14: step 3 (read_list): element
// \"worklist_rows\" is not in layout v2").
//
// # Steps
//
// A flow is a list of steps. Each step is a YAML mapping with one key
// naming its kind (open, sign_in, read_list, click, wait, ...) whose value
// holds the step's parameters, and optionally the keys every step shares:
// if (an expr condition; the step is skipped when false), optional (a step
// whose element is missing is skipped instead of failing the run) and
// name (a label for traces and messages). Steps name selector elements,
// never CSS; values may be templates ("/accounts/${row.key}", exprs over
// the run's variables: config, layout, row, and earlier steps' values).
// Credentials come from the run's bots.Target (the vault), never from
// files.
//
// # Adding a step kind
//
// One step kind is one Go file, step_<kind>.go, holding a struct whose
// yaml-tagged fields are the step's parameters and which implements Step:
//
//	func init() { RegisterStep("click", func() Step { return &clickStep{} }) }
//
//	type clickStep struct {
//		Element string `yaml:"element"`
//	}
//
//	func (s *clickStep) Check(c *Check) { c.Element(s.Element) }
//
//	func (s *clickStep) Run(ctx context.Context, r *Run) error { ... }
//
// Check declares what Lint verifies (every element exists in every layout
// the flow may run on, every expr compiles); Run drives the browser
// through r, which holds the session, the recorder, the detected layout
// and the run's variables, and offers the shared machinery: Open (retries,
// maintenance), Fail (a failure screenshot), Miss (selector misses),
// Unexpected (a page that is neither expected nor a known error).
//
// Package flow imports bots, bots/packs, selectors and orchestrator.
package flow
