package orchestrator

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// KindRegistry holds the record kinds a process knows: the built-in ones
// and those the portal packs loaded so far declare. Readers (every request
// that renders, masks or exports an item) take an immutable snapshot
// without locking; Replace swaps one pack's kinds at once, so a reader sees
// a pack's old kinds or its new ones, never a mix. The zero value is not
// usable: use NewKindRegistry.
type KindRegistry struct {
	mu   sync.Mutex // serialises writers
	snap atomic.Pointer[kindSnapshot]
}

// kindSnapshot is one immutable state of a registry.
type kindSnapshot struct {
	kinds    []RecordKind // built-ins first, then by pack in the order packs were first loaded
	byKind   map[ItemKind]int
	phiNames map[string]bool // every kind's PHI field names, lower case, and ExtraKey
}

// NewKindRegistry returns a registry holding BuiltinKinds.
func NewKindRegistry() *KindRegistry {
	r := &KindRegistry{}
	var kinds []RecordKind
	for _, k := range BuiltinKinds() {
		kinds = append(kinds, k.withDefaults())
	}
	r.snap.Store(newKindSnapshot(kinds))
	return r
}

func newKindSnapshot(kinds []RecordKind) *kindSnapshot {
	s := &kindSnapshot{kinds: kinds, byKind: make(map[ItemKind]int, len(kinds)), phiNames: map[string]bool{ExtraKey: true}}
	for i, k := range kinds {
		s.byKind[k.Kind] = i
	}
	for _, name := range phiFieldNames(kinds) {
		s.phiNames[strings.ToLower(name)] = true
	}
	return s
}

// Replace makes kinds the record kinds of pack, in place of those it
// declared before (none removes them). It refuses, changing nothing, a
// pack without a name, a kind that fails Validate, a kind declared twice,
// and a kind that is built in or belongs to another pack. Items already
// stored keep their kind: a kind a pack stops declaring is masked as all
// PHI from then on.
func (r *KindRegistry) Replace(pack string, kinds []RecordKind) error {
	if pack == "" {
		return fmt.Errorf("%w: record kinds need the name of the pack that declares them", ErrInvalid)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.snap.Load()
	declared := map[ItemKind]bool{}
	add := make([]RecordKind, 0, len(kinds))
	for _, k := range kinds {
		if err := k.Validate(); err != nil {
			return fmt.Errorf("pack %s: %w", pack, err)
		}
		if declared[k.Kind] {
			return fmt.Errorf("%w: pack %s declares record kind %s twice", ErrInvalid, pack, k.Kind)
		}
		declared[k.Kind] = true
		if i, ok := old.byKind[k.Kind]; ok && old.kinds[i].Pack != pack {
			if old.kinds[i].Pack == "" {
				return fmt.Errorf("%w: pack %s declares record kind %s, which is built in", ErrInvalid, pack, k.Kind)
			}
			return fmt.Errorf("%w: pack %s declares record kind %s, which pack %s declares", ErrInvalid, pack, k.Kind, old.kinds[i].Pack)
		}
		k = k.withDefaults()
		k.Pack = pack
		add = append(add, k)
	}
	// The pack's kinds keep its place among the packs.
	next := make([]RecordKind, 0, len(old.kinds)+len(add))
	placed := false
	for _, k := range old.kinds {
		if k.Pack != pack {
			next = append(next, k)
			continue
		}
		if !placed {
			next = append(next, add...)
			placed = true
		}
	}
	if !placed {
		next = append(next, add...)
	}
	r.snap.Store(newKindSnapshot(next))
	return nil
}

// Lookup finds a kind by name. The result is the caller's own copy.
func (r *KindRegistry) Lookup(k ItemKind) (RecordKind, bool) {
	s := r.snap.Load()
	i, ok := s.byKind[k]
	if !ok {
		return RecordKind{}, false
	}
	return s.kinds[i].clone(), true
}

// All returns every kind: the built-in ones first, then the packs'. The
// result is the caller's own copy.
func (r *KindRegistry) All() []RecordKind {
	s := r.snap.Load()
	out := make([]RecordKind, len(s.kinds))
	for i, k := range s.kinds {
		out[i] = k.clone()
	}
	return out
}

// PHIFields returns the PHI fields of kind's data. A kind the registry does
// not know is treated as all PHI (ok is false): callers mask the whole
// record.
func (r *KindRegistry) PHIFields(kind ItemKind) (fields []string, ok bool) {
	s := r.snap.Load()
	i, ok := s.byKind[kind]
	if !ok {
		return nil, false
	}
	return s.kinds[i].PHIFields(), true
}

// PHIFieldNames is every PHI field name of every kind the registry holds
// now, for places that do not know the kind of what they see (log fields).
func (r *KindRegistry) PHIFieldNames() []string {
	return phiFieldNames(r.snap.Load().kinds)
}

// IsPHIName reports whether name (any case) is a PHI field of any kind
// the registry holds now, or ExtraKey: a log field of that name is
// redacted whatever it was logged about.
func (r *KindRegistry) IsPHIName(name string) bool {
	return r.snap.Load().phiNames[strings.ToLower(name)]
}

func phiFieldNames(kinds []RecordKind) []string {
	var out []string
	for _, k := range kinds {
		for _, f := range k.PHIFields() {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}
