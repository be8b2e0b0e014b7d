package main

import (
	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/claimscrubber"
	"github.com/docket-rpa/docket/bots/codingholds"
	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/bots/writeback"
	"github.com/docket-rpa/docket/selectors"
)

// botImpls builds every bot implementation Docket ships, by kind. Each
// bot gets every layout of its portal's selector files and uses the one
// whose marker the portal shows, so a portal upgrade is a new selector
// file, not new code.
func botImpls() (map[string]bots.Bot, error) {
	coding, err := packs.Layouts(PortalCodingWorklist)
	if err != nil {
		return nil, err
	}
	// The claim scrubber bot reads one layout; the demo portal serves v1.
	claims, err := selectors.LoadVersion(PortalClaimScrubber, "v1")
	if err != nil {
		return nil, err
	}
	ch, err := codingholds.New(codingholds.Config{Layouts: coding})
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
	impls := map[string]bots.Bot{}
	for _, b := range []bots.Bot{ch, cs, wb} {
		impls[b.Kind()] = b
	}
	return impls, nil
}
