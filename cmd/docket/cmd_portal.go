package main

import (
	"context"
	"fmt"
	"io"

	"github.com/docket-rpa/docket/bots/portalsim"
	"github.com/spf13/cobra"
)

func newPortalCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "portal",
		Short: "Serve the demo portals alone",
		Long: `portal serves the demo coding worklist (login, paginated worklist of coding holds,
an account detail page each) with deterministic data from demo.seed, for trying
selectors, tests and benchmarks. demo.latency adds latency to every request.`,
		Example: "  docket portal --portal-addr 127.0.0.1:8089 --demo-accounts 2000 --demo-latency 20ms",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := newApp(*cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			url, err := a.startPortal(cmd.Context())
			if err != nil {
				return err
			}
			p := cfg.Portals[PortalCodingWorklist]
			fmt.Fprintf(stdout, "docket portal: coding worklist at %s (user %s)\n", url, p.Username)
			<-cmd.Context().Done()
			return nil
		},
	}
}

// startPortal serves the demo portals on portal_addr and points the
// coding-worklist portal configuration at them.
func (a *app) startPortal(_ context.Context) (string, error) {
	p := a.cfg.Portals[PortalCodingWorklist]
	cw, err := portalsim.NewCodingWorklist(portalsim.Config{
		Seed: a.cfg.Demo.Seed, Accounts: a.cfg.Demo.Accounts, Latency: a.cfg.Demo.Latency,
		Username: p.Username, Password: p.Password,
	})
	if err != nil {
		return "", err
	}
	addr, err := a.listen(a.cfg.PortalAddr, cw)
	if err != nil {
		return "", err
	}
	p.URL = "http://" + addr
	if a.cfg.Portals == nil {
		a.cfg.Portals = map[string]PortalConfig{}
	}
	a.cfg.Portals[PortalCodingWorklist] = p
	return p.URL, nil
}
