package selectors

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Decode reads and validates one selector file; source names it in
// errors. Portal packs (package bots/flow) keep their layouts in files of
// this format and decode them with it.
func Decode(source string, data []byte) (*File, error) { return decode(source, data) }

// ReadLayouts reads every layout of one portal from dir/*.yaml in fsys,
// oldest version first. Each file's version must be its file name; every
// file must name the same portal. root prefixes dir in messages.
func ReadLayouts(fsys fs.FS, dir, root string) ([]*File, error) {
	matches, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("selectors: %s: %w", path.Join(root, dir), err)
	}
	var files []*File
	for _, m := range matches {
		data, err := fs.ReadFile(fsys, m)
		if err != nil {
			return nil, fmt.Errorf("selectors: %w", err)
		}
		source := path.Join(root, m)
		f, err := decode(source, data)
		if err != nil {
			return nil, err
		}
		if v := strings.TrimSuffix(path.Base(m), ".yaml"); f.Version != v {
			return nil, fmt.Errorf("selectors: %s: declares version %s but its name says %s", source, f.Version, v)
		}
		if len(files) > 0 && files[0].Portal != f.Portal {
			return nil, fmt.Errorf("selectors: %s: portal %s, but %s is of portal %s", source, f.Portal, files[0].Source, files[0].Portal)
		}
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b *File) int { return compareVersions(a.Version, b.Version) })
	return files, nil
}

// NewCatalog is a catalog of files (such as a portal pack's layouts), to
// lay over the embedded one with Catalog.With. Two files of one portal and
// version are an error.
func NewCatalog(files ...*File) (*Catalog, error) {
	c := &Catalog{byPortal: map[string][]*File{}}
	for _, f := range files {
		if slices.ContainsFunc(c.byPortal[f.Portal], func(g *File) bool { return g.Version == f.Version }) {
			return nil, fmt.Errorf("selectors: %s: portal %s has two files of version %s", f.Source, f.Portal, f.Version)
		}
		c.byPortal[f.Portal] = append(c.byPortal[f.Portal], f)
	}
	for _, fs := range c.byPortal {
		slices.SortFunc(fs, func(a, b *File) int { return compareVersions(a.Version, b.Version) })
	}
	return c, nil
}
