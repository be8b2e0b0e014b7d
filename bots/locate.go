package bots

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/selectors"
)

// SelectorMissError reports that no candidate of an element matched
// before the step's deadline. Callers capture a screenshot before
// unwinding, and errors.Is(err, &SelectorMissError{}) matches any miss.
type SelectorMissError struct {
	Portal  string
	Element string   // element name; "a|b" when several were looked for
	Tried   []string // the candidates in the order tried, e.g. "css: #username"
}

func (e *SelectorMissError) Error() string {
	return fmt.Sprintf("bots: portal %s: element %s not found (tried %s)", e.Portal, e.Element, strings.Join(e.Tried, " | "))
}

// Is matches another *SelectorMissError whose non-empty Portal and Element
// equal e's, so callers can ask for any miss or a specific one.
func (e *SelectorMissError) Is(target error) bool {
	t, ok := target.(*SelectorMissError)
	if !ok {
		return false
	}
	return (t.Portal == "" || t.Portal == e.Portal) && (t.Element == "" || t.Element == e.Element)
}

// Match is the element a lookup found.
type Match struct {
	Name      string // the selector file's element name
	Index     int    // which candidate matched: 0 is the preferred one, more is a fallback
	Candidate selectors.Candidate
	Element   *rod.Element
}

// Locate runs one step that finds the named element and hands it to fn
// under the same deadline (an element is bound to its step's context, so
// it must be used inside the step).
func Locate(ctx context.Context, s *Session, f *selectors.File, name string, fn func(Match) error) (Match, error) {
	var m Match
	err := s.Step(ctx, "locate "+name, func(p *rod.Page) error {
		var err error
		if m, err = FindElement(p, f, name); err != nil {
			return err
		}
		if fn != nil {
			return fn(m)
		}
		return nil
	})
	if err != nil && ctx.Err() != nil {
		// The run ended, the portal did not change: report that instead
		// of a miss.
		return Match{}, fmt.Errorf("bots: locate %s: %w", name, ctx.Err())
	}
	return m, err
}

// FindElement waits until one candidate of the named elements is present
// and returns the first found, trying elements in the order given and each
// element's candidates in file order on every poll. It waits no longer
// than p's context allows (Session.Step gives it the step deadline); when
// that deadline passes first it returns a *SelectorMissError. Other
// context ends (cancellation) return the context's error.
func FindElement(p *rod.Page, f *selectors.File, names ...string) (Match, error) {
	return find(p, f, true, names)
}

// FindElementNow is FindElement without waiting: one pass over the
// candidates on the page as it is. Use it once the page has loaded and
// absence is an answer (a login error that may or may not be shown).
func FindElementNow(p *rod.Page, f *selectors.File, names ...string) (Match, error) {
	return find(p, f, false, names)
}

func find(p *rod.Page, f *selectors.File, wait bool, names []string) (Match, error) {
	if len(names) == 0 {
		return Match{}, errors.New("bots: find: no element named")
	}
	var branches []Match
	var tried []string
	for _, name := range names {
		e, err := f.Element(name)
		if err != nil {
			return Match{}, err
		}
		for i, c := range e.Candidates {
			if c.Strategy != selectors.CSS {
				return Match{}, fmt.Errorf("bots: element %s: candidate strategy %s is not supported", name, c.Strategy)
			}
			branches = append(branches, Match{Name: name, Index: i, Candidate: c})
			tried = append(tried, c.String())
		}
	}
	if !wait {
		// NotFoundSleeper makes the race give up after its first pass.
		p = p.Sleeper(rod.NotFoundSleeper)
	}
	var found Match
	race := p.Race()
	for _, b := range branches {
		race = race.Element(b.Candidate.Value).Handle(func(el *rod.Element) error {
			found = b
			found.Element = el
			return nil
		})
	}
	_, err := race.Do()
	miss := &SelectorMissError{Portal: f.Portal, Element: strings.Join(names, "|"), Tried: tried}
	switch {
	case err == nil:
		return found, nil
	case errors.Is(err, &rod.ElementNotFoundError{}):
		return Match{}, miss
	case errors.Is(err, context.DeadlineExceeded):
		// The step's deadline passed while looking. Locate tells a run
		// deadline apart; here it is a miss.
		return Match{}, miss
	}
	return Match{}, err
}
