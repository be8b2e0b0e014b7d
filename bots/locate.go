package bots

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/utils"

	"github.com/docket-rpa/docket/selectors"
)

// SelectorMissError reports that no candidate of an element matched
// before the step's deadline: the selector file no longer fits the
// portal ("selector broken"). Bots capture a screenshot before unwinding
// and attach it (Evidence, Screenshot); errors.Is(err,
// &SelectorMissError{}) matches any miss.
type SelectorMissError struct {
	Portal  string
	Version string   // the selector file's layout version
	Element string   // element name; "a|b" when several were looked for
	Tried   []string // the candidates in the order tried, e.g. "css: #username"
	// Evidence is the id of the screenshot the bot stored when the miss
	// happened; 0 when none could be taken.
	Evidence int64
	// Screenshot is that PNG, kept for callers without an evidence store
	// (docket selectors check); nil when none could be taken.
	Screenshot []byte
}

func (e *SelectorMissError) Error() string {
	return fmt.Sprintf("bots: portal %s: selector broken: element %s not found (tried %s)", e.Portal, e.Element, strings.Join(e.Tried, " | "))
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

// Selector returns the CSS selector or the XPath expression rod matches a
// candidate with (see selectors.Candidate.XPath), and whether it is XPath.
func Selector(c selectors.Candidate) (sel string, xpath bool, err error) {
	switch c.Strategy {
	case selectors.CSS:
		return c.Value, false, nil
	case selectors.XPath, selectors.Text:
		x, _ := c.XPath()
		return x, true, nil
	}
	return "", false, fmt.Errorf("bots: candidate strategy %s is not supported", c.Strategy)
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

// findSleeper paces FindElement's polls: first after 5ms, doubling up to
// 100ms. Rod's default starts at 100ms, which a page rendered by its
// script a few milliseconds after load would spend idle on every visit.
func findSleeper() utils.Sleeper {
	return utils.BackoffSleeper(5*time.Millisecond, 100*time.Millisecond, nil)
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
			if _, _, err := Selector(c); err != nil {
				return Match{}, fmt.Errorf("bots: element %s: %w", name, err)
			}
			branches = append(branches, Match{Name: name, Index: i, Candidate: c})
			tried = append(tried, c.String())
		}
	}
	if wait {
		p = p.Sleeper(findSleeper)
	} else {
		// NotFoundSleeper makes the race give up after its first pass.
		p = p.Sleeper(rod.NotFoundSleeper)
	}
	var found Match
	race := p.Race()
	for _, b := range branches {
		handle := func(el *rod.Element) error {
			found = b
			found.Element = el
			return nil
		}
		sel, isXPath, _ := Selector(b.Candidate)
		if isXPath {
			race = race.ElementX(sel).Handle(handle)
		} else {
			race = race.Element(sel).Handle(handle)
		}
	}
	_, err := race.Do()
	miss := &SelectorMissError{Portal: f.Portal, Version: f.Version, Element: strings.Join(names, "|"), Tried: tried}
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
