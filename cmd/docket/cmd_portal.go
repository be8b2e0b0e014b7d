package main

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/spf13/cobra"
)

func newPortalCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "portal",
		Short: "Serve the demo portals alone",
		Long: `portal serves the demo portals alone: the coding worklist (DNFB coding holds,
client-side rendered worklist, an account page each, note/route/release actions)
on portal_addr and the claim scrubber (claim batches, edits of every family, CSV
export) on claims_portal_addr, with deterministic data from demo.seed, for trying
selectors, tests and benchmarks. demo.latency adds latency to every request.`,
		Example: "  docket portal --portal-addr 127.0.0.1:8089 --demo-accounts 2000 --demo-latency 20ms",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := newApp(*cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			urls, err := a.startPortals(cmd.Context())
			if err != nil {
				return err
			}
			for _, name := range []string{PortalCodingWorklist, PortalClaimScrubber} {
				fmt.Fprintf(stdout, "docket portal: %s at %s (user %s)\n", name, urls[name], cfg.Portals[name].Username)
			}
			<-cmd.Context().Done()
			return nil
		},
	}
}

// startPortals serves the demo portals (the coding worklist on
// portal_addr, the claim scrubber on claims_portal_addr) and points the
// portal configuration at them. It returns their URLs by portal.
func (a *app) startPortals(_ context.Context) (map[string]string, error) {
	if a.cfg.Portals == nil {
		a.cfg.Portals = map[string]PortalConfig{}
	}
	cp := a.cfg.Portals[PortalCodingWorklist]
	malformed := 0
	if a.demo {
		malformed = min(a.cfg.Demo.Malformed, a.cfg.Demo.Accounts)
	}
	cw, err := portalsim.NewCodingWorklist(portalsim.Config{
		Seed: a.cfg.Demo.Seed, Accounts: a.cfg.Demo.Accounts, Latency: a.cfg.Demo.Latency,
		Username: cp.Username, Password: cp.Password, Malformed: malformed,
	})
	if err != nil {
		return nil, err
	}
	sp := a.cfg.Portals[PortalClaimScrubber]
	cs, err := portalsim.NewClaimScrubber(portalsim.ScrubberConfig{
		Seed: a.cfg.Demo.Seed, Claims: a.cfg.Demo.Claims, Latency: a.cfg.Demo.Latency,
		Username: sp.Username, Password: sp.Password,
	})
	if err != nil {
		return nil, err
	}
	urls := map[string]string{}
	for _, p := range []struct {
		name string
		addr string
		h    http.Handler
	}{{PortalCodingWorklist, a.cfg.PortalAddr, cw}, {PortalClaimScrubber, a.cfg.ClaimsPortalAddr, cs}} {
		addr, err := a.serveHTTP(p.addr, p.h)
		if err != nil {
			return nil, err
		}
		pc := a.cfg.Portals[p.name]
		pc.URL = "http://" + addr
		a.cfg.Portals[p.name] = pc
		urls[p.name] = pc.URL
	}
	return urls, nil
}
