// Package packs embeds Docket's built-in portal packs: one folder per
// pack, <pack>/pack.yaml, <pack>/selectors/<version>.yaml,
// <pack>/flows/*.yaml and <pack>/kinds/*.yaml. They are data; package
// bots/flow reads, checks and runs them, and a packs_dir at run time adds
// packs or replaces these by name.
//
// It imports only selectors, so any package (and any test) may read a
// built-in pack's selector files without the flow engine.
package packs

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	"github.com/docket-rpa/docket/selectors"
)

//go:embed all:coding-worklist
var files embed.FS

// FS holds the built-in packs, one folder each.
func FS() fs.FS { return files }

// Root names the embedded packs in messages: "packs/coding-worklist/...".
const Root = "packs"

// Layouts returns the selector files of built-in pack name, oldest
// version first.
func Layouts(name string) ([]*selectors.File, error) {
	l, err := selectors.ReadLayouts(files, path.Join(name, "selectors"), Root)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("packs: %w: no built-in pack %q with selector files", selectors.ErrNotFound, name)
	}
	return l, nil
}

// Layout returns one layout version of built-in pack name.
func Layout(name, version string) (*selectors.File, error) {
	l, err := Layouts(name)
	if err != nil {
		return nil, err
	}
	for _, f := range l {
		if f.Version == version {
			return f, nil
		}
	}
	return nil, fmt.Errorf("packs: %w: pack %q has no layout %q", selectors.ErrNotFound, name, version)
}
