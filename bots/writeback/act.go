package writeback

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/selectors"
)

//go:embed state.js
var stateJS string

// state is what the account page shows that the actions change.
type state struct {
	Queue string
	Holds []string
	Notes []string
}

// done reports whether the account already is as req asks.
func (s state) done(req Request) bool {
	v := selectors.ParseText(req.Value())
	switch req.Action {
	case ActionAddNote:
		return slices.Contains(s.Notes, v)
	case ActionRoute:
		return s.Queue == v
	case ActionReleaseHold:
		return !slices.Contains(s.Holds, v)
	}
	return false
}

func (r *run) do(ctx context.Context) (Result, error) {
	start := r.abs(r.file.Start)
	if err := r.open(ctx, "start page", start); err != nil {
		return Result{}, r.fail(ctx, err)
	}
	if err := r.detectLayout(ctx); err != nil {
		return Result{}, r.fail(ctx, err)
	}
	if err := r.signIn(ctx, start); err != nil {
		return Result{}, r.fail(ctx, err)
	}
	path, err := r.file.PagePath(pageAccount, map[string]string{"account": r.req.Account})
	if err != nil {
		return Result{}, err
	}
	ref, err := url.Parse(path)
	if err != nil {
		return Result{}, fmt.Errorf("writeback: account page path: %w", err)
	}
	acctURL := r.base.ResolveReference(ref).String()

	st, err := r.readAccount(ctx, acctURL, start)
	if err != nil {
		return Result{}, r.fail(ctx, err)
	}
	before, err := r.shoot(ctx, orchestrator.PurposeBefore)
	if err != nil {
		return Result{}, err
	}
	if st.done(r.req) {
		return Result{Outcome: OutcomeAlreadyDone, Before: before}, nil
	}
	for attempt := 0; ; attempt++ {
		err := r.act(ctx)
		if err != nil && !errors.Is(err, bots.ErrTransient) {
			return Result{}, r.fail(ctx, err)
		}
		// Whatever the answer, read the state again before deciding: a
		// server error may come after the portal applied the action.
		st, rerr := r.readAccount(ctx, acctURL, start)
		if rerr != nil {
			return Result{}, r.fail(ctx, rerr)
		}
		if st.done(r.req) {
			after, err := r.shoot(ctx, orchestrator.PurposeAfter)
			if err != nil {
				return Result{}, err
			}
			return Result{Outcome: OutcomeActed, Before: before, After: after}, nil
		}
		if err == nil {
			return Result{}, r.fail(ctx, fmt.Errorf("writeback: %s: %s did not take effect", r.req.Where(), r.req.Action))
		}
		if attempt >= r.bot.cfg.Retries {
			return Result{}, r.fail(ctx, fmt.Errorf("%w: %s on %s kept failing", bots.ErrPortalUnavailable, r.req.Action, r.req.Where()))
		}
		if err := r.backoff(ctx, attempt); err != nil {
			return Result{}, err
		}
	}
}

// readAccount opens the account page (signing in again once if the
// session lapsed) and reads its state.
func (r *run) readAccount(ctx context.Context, acctURL, start string) (state, error) {
	for relogged := false; ; relogged = true {
		if err := r.open(ctx, r.req.Where(), acctURL); err != nil {
			return state{}, err
		}
		var shown string
		err := r.s.Step(ctx, "wait for "+r.req.Where(), func(p *rod.Page) error {
			m, err := bots.FindElement(p, r.file, elDetailRows, elLoginUsername, elLoginOTP)
			shown = m.Name
			r.used(m)
			return err
		})
		if errors.Is(err, &bots.SelectorMissError{}) && ctx.Err() == nil {
			return state{}, r.miss(elDetailRows)
		}
		if err != nil {
			return state{}, err
		}
		if shown == elDetailRows {
			return r.readState(ctx)
		}
		if relogged {
			return state{}, fmt.Errorf("%w: the portal ended the session again", bots.ErrSessionLost)
		}
		if err := r.signIn(ctx, start); err != nil {
			return state{}, err
		}
	}
}

type jsCandidate struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type readOut struct {
	Index int      `json:"index"`
	Texts []string `json:"texts"`
}

func (r *run) readState(ctx context.Context) (state, error) {
	spec := map[string][]jsCandidate{}
	for _, name := range []string{elCurrentQueue, elHoldCodes, elNoteTexts} {
		e, _ := r.file.Element(name) // New checked them
		for _, c := range e.Candidates {
			sel, isXPath, err := bots.Selector(c)
			if err != nil {
				continue
			}
			kind := "css"
			if isXPath {
				kind = "xpath"
			}
			spec[name] = append(spec[name], jsCandidate{kind, sel})
		}
	}
	var out map[string]readOut
	err := r.s.Step(ctx, "read account state", func(p *rod.Page) error {
		res, err := p.Eval(stateJS, spec)
		if err != nil {
			return err
		}
		return res.Value.Unmarshal(&out)
	})
	if err != nil {
		return state{}, err
	}
	for name, o := range out {
		e, _ := r.file.Element(name)
		if o.Index < 0 && !e.Optional {
			return state{}, r.miss(name)
		}
		r.rec.SelectorUsed(r.file.Portal, name, o.Index)
	}
	st := state{Queue: first(out[elCurrentQueue].Texts)}
	for _, t := range out[elHoldCodes].Texts {
		st.Holds = append(st.Holds, selectors.ParseText(t))
	}
	for _, t := range out[elNoteTexts].Texts {
		st.Notes = append(st.Notes, selectors.ParseText(t))
	}
	return st, nil
}

func first(texts []string) string {
	if len(texts) == 0 {
		return ""
	}
	return selectors.ParseText(texts[0])
}

// act fills the action's form and submits it.
func (r *run) act(ctx context.Context) error {
	v := r.req.Value()
	return r.s.Step(ctx, r.req.Action, func(p *rod.Page) error {
		switch r.req.Action {
		case ActionAddNote:
			m, err := bots.FindElementNow(p, r.file, elNoteInput)
			if err != nil {
				return err
			}
			r.used(m)
			if err := m.Element.Input(v); err != nil {
				return fmt.Errorf("type into %s: %w", elNoteInput, err)
			}
			return r.click(p, elNoteSubmit)
		case ActionRoute:
			if err := r.choose(p, elRouteSelect, v); err != nil {
				return err
			}
			return r.click(p, elRouteSubmit)
		default: // ActionReleaseHold; Validate allows nothing else
			if err := r.choose(p, elReleaseSelect, v); err != nil {
				return err
			}
			return r.click(p, elReleaseSubmit)
		}
	})
}

// choose selects the option whose value or text is v.
func (r *run) choose(p *rod.Page, element, v string) error {
	m, err := bots.FindElementNow(p, r.file, element)
	if err != nil {
		return err
	}
	r.used(m)
	res, err := m.Element.Eval(`function (v) {
		const o = Array.from(this.options || []).find((o) => o.value === v || o.text.trim() === v);
		if (!o) return false;
		this.value = o.value;
		this.dispatchEvent(new Event("change", { bubbles: true }));
		return true;
	}`, v)
	if err != nil {
		return err
	}
	if !res.Value.Bool() {
		return fmt.Errorf("%w: %s offers no option %q", ErrInvalidRequest, element, v)
	}
	return nil
}

// shoot captures the page as evidence for the account.
func (r *run) shoot(ctx context.Context, purpose string) (int64, error) {
	c := r.evidence()
	c.Purpose = purpose
	ev, _, err := bots.Shoot(ctx, r.s, r.rec, c)
	return ev.ID, err
}

func (r *run) evidence() orchestrator.EvidenceCapture {
	return orchestrator.EvidenceCapture{Bot: Kind, ItemRef: r.req.Account, SelectorVersion: r.file.Version, CapturedAt: r.bot.cfg.Now()}
}

// fail screenshots where the run failed, attaches it to a selector miss,
// and returns err.
func (r *run) fail(ctx context.Context, err error) error {
	return bots.FailureShot(ctx, r.s, r.rec, r.evidence(), err)
}
