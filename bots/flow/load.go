package flow

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/docket-rpa/docket/bots/packs"
	"github.com/docket-rpa/docket/selectors"
)

// LoadError is a pack that did not load or lint cleanly: every finding.
type LoadError struct {
	Pack     string // the pack's folder
	Findings []Finding
}

func (e *LoadError) Error() string {
	msgs := make([]string, 0, len(e.Findings))
	for _, f := range e.Findings {
		msgs = append(msgs, f.String())
	}
	if len(msgs) > 3 {
		msgs = append(msgs[:3], fmt.Sprintf("and %d more", len(e.Findings)-3))
	}
	return "flow: pack " + e.Pack + ": " + strings.Join(msgs, "; ")
}

// LoadPack reads, decodes and lints the pack in folder dir of fsys; root
// prefixes dir in messages. A pack with any finding is not returned: the
// error is a *LoadError listing them.
func LoadPack(fsys fs.FS, dir, root string) (*Pack, error) {
	source := path.Join(root, dir)
	p := &Pack{Source: source, Flows: map[string]*Flow{}}
	le := &LoadError{Pack: source}
	add := func(file string, err error) {
		f := Finding{File: file, Msg: err.Error()}
		var line *lineError
		var step *stepError
		switch {
		case errors.As(err, &step):
			f.Line, f.Step, f.Msg = step.Line, step.Step, step.Msg
		case errors.As(err, &line):
			f.Line, f.Msg = line.Line, line.Msg
		}
		le.Findings = append(le.Findings, f)
	}
	var err error
	if p.Version, err = Hash(fsys, dir); err != nil {
		return nil, fmt.Errorf("flow: pack %s: %w", source, err)
	}
	packFile := path.Join(dir, "pack.yaml")
	data, err := fs.ReadFile(fsys, packFile)
	if err != nil {
		add(path.Join(root, packFile), errors.New("no pack.yaml"))
		return nil, le
	}
	if err := decodePack(p, data); err != nil {
		add(path.Join(root, packFile), err)
		return nil, le
	}
	if p.Layouts, err = selectors.ReadLayouts(fsys, path.Join(dir, "selectors"), root); err != nil {
		add(path.Join(source, "selectors"), errors.New(strings.TrimPrefix(err.Error(), "selectors: ")))
	}
	flows, _ := fs.Glob(fsys, path.Join(dir, "flows", "*.yaml"))
	for _, m := range flows {
		file := path.Join(root, m)
		data, err := fs.ReadFile(fsys, m)
		if err == nil {
			var f *Flow
			if f, err = decodeFlow(file, data); err == nil {
				if _, dup := p.Flows[f.Name]; dup {
					err = fmt.Errorf("a second flow named %s", f.Name)
				}
				p.Flows[f.Name] = f
			}
		}
		if err != nil {
			add(file, err)
		}
	}
	kinds, _ := fs.Glob(fsys, path.Join(dir, "kinds", "*.yaml"))
	for _, m := range kinds {
		file := path.Join(root, m)
		data, err := fs.ReadFile(fsys, m)
		if err == nil {
			err = decodeKinds(p, file, data)
		}
		if err != nil {
			add(file, err)
		}
	}
	if len(le.Findings) == 0 {
		le.Findings = Lint(p)
	}
	if len(le.Findings) > 0 {
		return nil, le
	}
	return p, nil
}

// Builtin loads the embedded packs (bots/packs).
func Builtin() (map[string]*Pack, error) {
	return loadAll(packs.FS(), ".", packs.Root)
}

// Load returns the built-in packs overlaid by every pack folder of dir
// (a folder holding pack.yaml), which replaces a built-in pack of the
// same name. dir "" means the built-in packs only.
func Load(dir string) (map[string]*Pack, error) {
	out, err := Builtin()
	if err != nil || dir == "" {
		return out, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("flow: packs_dir: %w", err)
	}
	over, err := loadAll(os.DirFS(dir), ".", dir)
	if err != nil {
		return nil, err
	}
	for name, p := range over {
		out[name] = p
	}
	return out, nil
}

// loadAll loads every pack folder under dir of fsys.
func loadAll(fsys fs.FS, dir, root string) (map[string]*Pack, error) {
	names, err := PackFolders(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("flow: %s: %w", root, err)
	}
	out := map[string]*Pack{}
	var errs []error
	for _, n := range names {
		p, err := LoadPack(fsys, path.Join(dir, n), root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := out[p.Name]; dup {
			errs = append(errs, fmt.Errorf("flow: %s: a second pack named %s", p.Source, p.Name))
			continue
		}
		out[p.Name] = p
	}
	return out, errors.Join(errs...)
}

// PackFolders lists the folders of dir in fsys that hold a pack.yaml,
// sorted.
func PackFolders(fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(dir, e.Name(), "pack.yaml")); err == nil {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// PackReport is one pack folder's load and lint result.
type PackReport struct {
	Folder   string // the folder's name
	Name     string // the pack's name ("" when pack.yaml did not load)
	Source   string
	Version  string
	Builtin  bool
	Findings []Finding
}

// LintPacks loads and lints every built-in pack and every pack folder of
// dir ("" for none), reporting each; a pack of dir that replaces a
// built-in one is reported beside it.
func LintPacks(dir string) ([]PackReport, error) {
	out, err := lintAll(packs.FS(), packs.Root, true)
	if err != nil || dir == "" {
		return out, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("flow: packs_dir: %w", err)
	}
	more, err := lintAll(os.DirFS(dir), dir, false)
	return append(out, more...), err
}

func lintAll(fsys fs.FS, root string, builtin bool) ([]PackReport, error) {
	names, err := PackFolders(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("flow: %s: %w", root, err)
	}
	var out []PackReport
	for _, n := range names {
		r := PackReport{Folder: n, Source: path.Join(root, n), Builtin: builtin}
		p, err := LoadPack(fsys, n, root)
		var le *LoadError
		switch {
		case err == nil:
			r.Name, r.Version = p.Name, p.Version
		case errors.As(err, &le):
			r.Findings = le.Findings
			r.Version, _ = Hash(fsys, n)
			if data, rerr := fs.ReadFile(fsys, path.Join(n, "pack.yaml")); rerr == nil {
				var q Pack
				if decodePack(&q, data) == nil {
					r.Name = q.Name
				}
			}
		default:
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
