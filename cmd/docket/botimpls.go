package main

import (
	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/claimscrubber"
	"github.com/docket-rpa/docket/bots/flow"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// botImpls builds every bot implementation, by kind: each flow that emits
// records in every pack of lib (by its name, and as pack/flow), and the
// bots still written in Go (claim-scrubber, writeback). A flow bot takes
// its pack's current version at the start of each run, so a reloaded
// pack needs no new bot; a configured bot whose flow no pack holds yet
// finds it at each run (flow.Named). Bots get every layout of their portal and use
// the one whose marker the portal shows.
func botImpls(lib *flow.Library, configured map[string]orchestrator.Bot) (map[string]bots.Bot, error) {
	impls := map[string]bots.Bot{}
	for _, name := range lib.Names() {
		p := lib.Pack(name)
		for _, f := range p.Flows {
			if f.Kind == "" {
				continue // a sub-flow
			}
			current := func() *flow.Pack { return lib.Pack(name) }
			for _, kind := range []string{f.Name, name + "/" + f.Name} {
				if _, taken := impls[kind]; taken && kind == f.Name {
					continue // two packs with a flow of this name: pack/flow tells them apart
				}
				b, err := flow.New(flow.Config{Name: kind, Current: current, Flow: f.Name})
				if err != nil {
					return nil, err
				}
				impls[kind] = b
			}
		}
	}
	coding, err := packs.Layouts(PortalCodingWorklist)
	if err != nil {
		return nil, err
	}
	// The claim scrubber bot reads one layout; the demo portal serves v1.
	claims, err := selectors.LoadVersion(PortalClaimScrubber, "v1")
	if err != nil {
		return nil, err
	}
	cs, err := claimscrubber.New(claimscrubber.Config{Selectors: claims})
	if err != nil {
		return nil, err
	}
	wb, err := writeback.New(writeback.Config{Layouts: coding})
	if err != nil {
		return nil, err
	}
	for _, b := range []bots.Bot{cs, wb} {
		impls[b.Kind()] = b
	}
	// A configured bot of a kind no pack holds yet runs the flow of that
	// name once a pack in packs_dir brings it (no restart): each run looks
	// it up.
	for _, b := range configured {
		if _, ok := impls[b.Kind]; !ok {
			impls[b.Kind] = flow.NewNamed(lib, b.Kind, flow.Config{})
		}
	}
	return impls, nil
}
