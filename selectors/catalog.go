package selectors

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed portals
var embedded embed.FS

// ErrNotFound is returned for a portal or version the catalog lacks.
var ErrNotFound = errors.New("selectors: not found")

// Catalog is a set of selector files, by portal and version.
type Catalog struct {
	byPortal map[string][]*File // ascending by version
}

// Load returns the latest embedded file for portal.
func Load(portal string) (*File, error) {
	c, err := Embedded()
	if err != nil {
		return nil, err
	}
	return c.Latest(portal)
}

// LoadVersion returns one embedded version of portal's file.
func LoadVersion(portal, version string) (*File, error) {
	c, err := Embedded()
	if err != nil {
		return nil, err
	}
	return c.Version(portal, version)
}

// LoadLayouts returns every embedded layout of portal, oldest first, for a
// bot that detects which one the portal serves (File.Marker).
func LoadLayouts(portal string) ([]*File, error) {
	c, err := Embedded()
	if err != nil {
		return nil, err
	}
	return c.Files(portal)
}

// Embedded reads the files built into the binary.
func Embedded() (*Catalog, error) {
	sub, err := fs.Sub(embedded, "portals")
	if err != nil {
		return nil, fmt.Errorf("selectors: embedded files: %w", err)
	}
	return loadFS(sub, "portals")
}

// LoadDir reads an override directory laid out like the embedded one:
// dir/<portal>/<version>.yaml. Other files are ignored.
func LoadDir(dir string) (*Catalog, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("selectors: override directory: %w", err)
	}
	return loadFS(os.DirFS(dir), dir)
}

func loadFS(fsys fs.FS, root string) (*Catalog, error) {
	matches, err := fs.Glob(fsys, "*/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("selectors: %s: %w", root, err)
	}
	c := &Catalog{byPortal: map[string][]*File{}}
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
		portal, version := path.Dir(m), strings.TrimSuffix(path.Base(m), ".yaml")
		if f.Portal != portal || f.Version != version {
			return nil, fmt.Errorf("selectors: %s: declares %s %s but its path says %s %s", source, f.Portal, f.Version, portal, version)
		}
		c.byPortal[portal] = append(c.byPortal[portal], f)
	}
	for _, files := range c.byPortal {
		slices.SortFunc(files, func(a, b *File) int { return compareVersions(a.Version, b.Version) })
	}
	return c, nil
}

// With returns a catalog holding c's files overlaid by over's: a file in
// over replaces c's file of the same portal and version.
func (c *Catalog) With(over *Catalog) *Catalog {
	out := &Catalog{byPortal: map[string][]*File{}}
	for p, files := range c.byPortal {
		out.byPortal[p] = slices.Clone(files)
	}
	for p, files := range over.byPortal {
		for _, f := range files {
			i := slices.IndexFunc(out.byPortal[p], func(g *File) bool { return g.Version == f.Version })
			if i >= 0 {
				out.byPortal[p][i] = f
			} else {
				out.byPortal[p] = append(out.byPortal[p], f)
			}
		}
		slices.SortFunc(out.byPortal[p], func(a, b *File) int { return compareVersions(a.Version, b.Version) })
	}
	return out
}

// Portals lists the portals in the catalog, sorted.
func (c *Catalog) Portals() []string {
	out := make([]string, 0, len(c.byPortal))
	for p := range c.byPortal {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Versions lists portal's versions, oldest first.
func (c *Catalog) Versions(portal string) []string {
	var out []string
	for _, f := range c.byPortal[portal] {
		out = append(out, f.Version)
	}
	return out
}

// Files returns every version of portal's file, oldest first.
func (c *Catalog) Files(portal string) ([]*File, error) {
	files := c.byPortal[portal]
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: portal %q", ErrNotFound, portal)
	}
	return slices.Clone(files), nil
}

// Latest returns the highest version of portal's file.
func (c *Catalog) Latest(portal string) (*File, error) {
	files := c.byPortal[portal]
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: portal %q", ErrNotFound, portal)
	}
	return files[len(files)-1], nil
}

// Version returns one version of portal's file.
func (c *Catalog) Version(portal, version string) (*File, error) {
	for _, f := range c.byPortal[portal] {
		if f.Version == version {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%w: portal %q version %q", ErrNotFound, portal, version)
}

// compareVersions orders versions naturally, so v2 < v10 and
// v1 < v1.1 < v2: runs of digits compare as numbers.
func compareVersions(a, b string) int {
	for a != "" && b != "" {
		da, ra := digitPrefix(a)
		db, rb := digitPrefix(b)
		if da != "" && db != "" {
			na, _ := strconv.ParseUint(da, 10, 64)
			nb, _ := strconv.ParseUint(db, 10, 64)
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = ra, rb
			continue
		}
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitPrefix(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
