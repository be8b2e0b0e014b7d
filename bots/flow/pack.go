package flow

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"slices"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

// Pack is one portal pack, loaded and linted. Treat it as read-only: runs
// share it, and a reload replaces the whole Pack.
type Pack struct {
	Name        string
	Portal      string
	Description string
	// Version is the sha256 (hex) of the pack's files: their sorted paths
	// and contents. Every run records it.
	Version string
	// Maintenance names the element of the portal's maintenance page.
	Maintenance string
	SignIn      *SignIn
	// Layouts are the portal's selector files, oldest version first.
	Layouts []*selectors.File
	// Settings per layout version.
	Settings map[string]LayoutSettings
	// Pinned, when set, is the only layout runs use (no detection).
	Pinned string
	Flows  map[string]*Flow
	Kinds  []orchestrator.RecordKind
	// Source names the pack's folder in messages ("packs/coding-worklist").
	Source string
}

// LayoutSettings are what a layout declares besides its selectors.
type LayoutSettings struct {
	// PageSize is how lists are read at the largest page size the portal
	// offers: Param is the query parameter, Largest its value.
	PageSize *PageSize `yaml:"page_size"`
}

// PageSize is a list's page-size URL parameter and the largest value the
// portal accepts.
type PageSize struct {
	Param   string `yaml:"param"`
	Largest int    `yaml:"largest"`
}

// SignIn is a pack's sign-in recipe: the elements of the password form,
// the second factor and the rejection notice, the elements only a
// signed-in page shows, and steps for interstitial pages after sign-in.
type SignIn struct {
	Username  string   `yaml:"username"`
	Password  string   `yaml:"password"`
	Submit    string   `yaml:"submit"`
	OTP       string   `yaml:"otp"`
	OTPSubmit string   `yaml:"otp_submit"`
	Error     string   `yaml:"error"`
	SignedIn  []string `yaml:"signed_in"`
	// After are steps run after each sign-in (a facility picker, terms,
	// a consent banner); each is usually optional or conditional.
	After []*StepEntry `yaml:"-"`
}

// Layout returns the layout of version v.
func (p *Pack) Layout(v string) (*selectors.File, bool) {
	i := slices.IndexFunc(p.Layouts, func(f *selectors.File) bool { return f.Version == v })
	if i < 0 {
		return nil, false
	}
	return p.Layouts[i], true
}

// Kind returns the pack's declaration of kind k.
func (p *Pack) Kind(k orchestrator.ItemKind) (orchestrator.RecordKind, bool) {
	i := slices.IndexFunc(p.Kinds, func(rk orchestrator.RecordKind) bool { return rk.Kind == k })
	if i < 0 {
		return orchestrator.RecordKind{}, false
	}
	return p.Kinds[i], true
}

// Hash is the version of the files in fsys under dir: the sha256 of every
// regular file's path (relative to dir) and contents, in sorted path
// order, each length-prefixed so no two sets of files hash alike.
func Hash(fsys fs.FS, dir string) (string, error) {
	var paths []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	slices.Sort(paths)
	h := sha256.New()
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return "", err
		}
		rel := p[len(dir):]
		writeLen(h, len(rel))
		h.Write([]byte(rel))
		writeLen(h, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func writeLen(h interface{ Write([]byte) (int, error) }, n int) {
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(n) >> (56 - 8*i))
	}
	_, _ = h.Write(b[:])
}
