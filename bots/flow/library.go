package flow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// WatchIntervalDefault is how often a Library looks at packs_dir.
const WatchIntervalDefault = 3 * time.Second

// LibraryConfig configures a Library.
type LibraryConfig struct {
	// Dir is packs_dir: each folder holding a pack.yaml is a pack, which
	// replaces the built-in pack of the same name. "" means built-in
	// packs only.
	Dir string
	// Kinds, if set, receives every pack's record kinds (Replace) when
	// the pack loads or reloads cleanly.
	Kinds *orchestrator.KindRegistry
	// OnLoad is told each pack version that loaded (at start and on
	// reload); OnError each pack that did not, with every finding, while
	// the last good version of it (if any) keeps running. Both are
	// optional; messages name files, lines and steps, never page data.
	OnLoad  func(pack, version string)
	OnError func(pack string, err error)
}

// Library holds the packs a process runs: the built-in ones and those of
// packs_dir, reloaded on change. Runs take a pack at their start and keep
// it (Bot.Run); a reload replaces the pack only after it loaded and linted
// cleanly.
type Library struct {
	cfg     LibraryConfig
	builtin map[string]*Pack

	mu     sync.Mutex
	packs  map[string]*Pack  // what runs: by pack name
	hashes map[string]string // packs_dir folder → hash of its files last tried
	folder map[string]string // packs_dir folder → pack name it loaded as
}

// NewLibrary loads the built-in packs and packs_dir. A pack of packs_dir
// that does not load is an error here (a process should not start on a
// broken pack); on reload it is reported and the last good one kept.
func NewLibrary(cfg LibraryConfig) (*Library, error) {
	builtin, err := Builtin()
	if err != nil {
		return nil, err
	}
	l := &Library{cfg: cfg, builtin: builtin, packs: map[string]*Pack{}, hashes: map[string]string{}, folder: map[string]string{}}
	for n, p := range builtin {
		l.packs[n] = p
	}
	if cfg.Dir != "" {
		if _, err := os.Stat(cfg.Dir); err != nil {
			return nil, fmt.Errorf("flow: packs_dir: %w", err)
		}
	}
	if errs := l.Reload(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, n := range l.Names() {
		p := l.Pack(n)
		if err := l.registerKinds(p); err != nil {
			return nil, err
		}
		if cfg.OnLoad != nil && l.builtin[n] == p {
			cfg.OnLoad(n, p.Version)
		}
	}
	return l, nil
}

// Pack returns the current version of the named pack, or nil.
func (l *Library) Pack(name string) *Pack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.packs[name]
}

// Names lists the packs, sorted.
func (l *Library) Names() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.packs))
	for n := range l.packs {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Reload looks at every pack folder of packs_dir and loads those whose
// files changed since they were last tried. A pack that loads and lints
// cleanly replaces the running one; one that does not is reported and
// the running one kept. It returns the errors.
func (l *Library) Reload() []error {
	if l.cfg.Dir == "" {
		return nil
	}
	fsys := os.DirFS(l.cfg.Dir)
	names, err := PackFolders(fsys, ".")
	if err != nil {
		return []error{l.report("", fmt.Errorf("flow: packs_dir: %w", err))}
	}
	var errs []error
	for _, folder := range names {
		h, err := Hash(fsys, folder)
		if err != nil {
			errs = append(errs, l.report(folder, fmt.Errorf("flow: pack %s: %w", path.Join(l.cfg.Dir, folder), err)))
			continue
		}
		l.mu.Lock()
		same := l.hashes[folder] == h
		l.hashes[folder] = h
		l.mu.Unlock()
		if same {
			continue
		}
		p, err := LoadPack(fsys, folder, l.cfg.Dir)
		if err == nil {
			err = l.install(folder, p)
		}
		if err != nil {
			errs = append(errs, l.report(folder, err))
		}
	}
	l.forgetRemoved(names)
	return errs
}

// install makes p the running version of its pack.
func (l *Library) install(folder string, p *Pack) error {
	l.mu.Lock()
	for f, n := range l.folder {
		if n == p.Name && f != folder {
			l.mu.Unlock()
			return fmt.Errorf("flow: pack %s: folder %s already holds a pack named %s", path.Join(l.cfg.Dir, folder), f, p.Name)
		}
	}
	l.mu.Unlock()
	if err := l.registerKinds(p); err != nil {
		return err
	}
	l.mu.Lock()
	l.packs[p.Name] = p
	l.folder[folder] = p.Name
	l.mu.Unlock()
	if l.cfg.OnLoad != nil {
		l.cfg.OnLoad(p.Name, p.Version)
	}
	return nil
}

// forgetRemoved puts back the built-in pack (or nothing) of folders that
// are gone from packs_dir. Kinds stay registered: items of them exist.
func (l *Library) forgetRemoved(present []string) {
	var back []*Pack
	defer func() {
		for _, p := range back {
			if l.cfg.OnLoad != nil {
				l.cfg.OnLoad(p.Name, p.Version)
			}
		}
	}()
	l.mu.Lock()
	defer l.mu.Unlock()
	for folder, name := range l.folder {
		if slices.Contains(present, folder) {
			continue
		}
		delete(l.folder, folder)
		delete(l.hashes, folder)
		if b, ok := l.builtin[name]; ok {
			l.packs[name] = b
			back = append(back, b)
		} else {
			delete(l.packs, name)
		}
	}
}

func (l *Library) registerKinds(p *Pack) error {
	if l.cfg.Kinds == nil {
		return nil
	}
	if err := l.cfg.Kinds.Replace(p.Name, p.RegistryKinds()); err != nil {
		return fmt.Errorf("flow: pack %s: kinds: %w", p.Source, err)
	}
	return nil
}

func (l *Library) report(folder string, err error) error {
	if l.cfg.OnError != nil {
		l.cfg.OnError(folder, err)
	}
	return err
}

// Watch reloads packs_dir every interval (default WatchIntervalDefault)
// and whenever reload receives, until ctx ends. Reload errors go to
// OnError.
func (l *Library) Watch(ctx context.Context, interval time.Duration, reload <-chan struct{}) {
	if interval <= 0 {
		interval = WatchIntervalDefault
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-reload:
		}
		l.Reload()
	}
}
