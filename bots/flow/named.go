package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/bots"
)

// Named is a bot for a flow that a library may only hold later: a bot
// configured with kind "flow" or "pack/flow" whose pack is copied into
// packs_dir while the worker runs. Each run looks the flow up in the
// library at its start; a flow the library does not hold (yet) fails the
// run with a one-line reason, which the task layer retries like any
// failure.
type Named struct {
	lib  *Library
	name string
	cfg  Config
}

// NewNamed returns the bot of kind name ("flow" or "pack/flow") over lib;
// cfg's Pack, Current and Flow are ignored.
func NewNamed(lib *Library, name string, cfg Config) *Named {
	return &Named{lib: lib, name: name, cfg: cfg}
}

// Kind is the name the bot was made for.
func (n *Named) Kind() string { return n.name }

// Run finds the flow in the library and runs it.
func (n *Named) Run(ctx context.Context, s *bots.Session, rec bots.Recorder) error {
	pack, flowName := n.find()
	if pack == "" {
		return fmt.Errorf("flow: no pack holds a flow %q (built in or in packs_dir)", n.name)
	}
	cfg := n.cfg
	cfg.Name, cfg.Flow, cfg.Pack = n.name, flowName, nil
	cfg.Current = func() *Pack { return n.lib.Pack(pack) }
	b, err := New(cfg)
	if err != nil {
		return err
	}
	return b.Run(ctx, s, rec)
}

// find returns the pack and flow name the bot's name stands for.
func (n *Named) find() (pack, flow string) {
	if p, f, ok := strings.Cut(n.name, "/"); ok {
		if pk := n.lib.Pack(p); pk != nil && pk.Flows[f] != nil && pk.Flows[f].Kind != "" {
			return p, f
		}
		return "", ""
	}
	for _, name := range n.lib.Names() {
		if f := n.lib.Pack(name).Flows[n.name]; f != nil && f.Kind != "" {
			return name, n.name
		}
	}
	return "", ""
}
