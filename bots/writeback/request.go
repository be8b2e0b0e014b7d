package writeback

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Actions a Request may ask for.
const (
	ActionAddNote     = "add_note"     // Params["text"]: the note
	ActionRoute       = "route"        // Params["queue"]: the work queue
	ActionReleaseHold = "release_hold" // Params["reason"]: the hold reason code
)

// NoteMax bounds a note's length in characters.
const NoteMax = 4000

// ErrInvalidRequest marks a request the bot cannot carry out as asked; no
// retry helps.
var ErrInvalidRequest = errors.New("writeback: invalid request")

// Request is one action a person decided.
type Request struct {
	// ID identifies the decision (a human task id); it is recorded with
	// the evidence, never used to find the account.
	ID      string
	Account string // the portal's account number
	Action  string // ActionAddNote, ActionRoute or ActionReleaseHold
	Params  map[string]string
}

// param names the parameter each action needs.
var param = map[string]string{ActionAddNote: "text", ActionRoute: "queue", ActionReleaseHold: "reason"}

// Where names the request's account in errors and logs without its
// number: by the decision's id.
func (r Request) Where() string {
	if r.ID == "" {
		return "the account"
	}
	return "the account of task " + r.ID
}

// Value is the action's one parameter.
func (r Request) Value() string { return r.Params[param[r.Action]] }

// Validate checks that the request names an account, a known action and
// its parameter. Errors never repeat the note text.
func (r Request) Validate() error {
	name, ok := param[r.Action]
	switch {
	case r.Account == "":
		return fmt.Errorf("%w: no account", ErrInvalidRequest)
	case !ok:
		return fmt.Errorf("%w: unknown action %q", ErrInvalidRequest, r.Action)
	case r.Params[name] == "":
		return fmt.Errorf("%w: %s needs parameter %s", ErrInvalidRequest, r.Action, name)
	case r.Action == ActionAddNote && utf8.RuneCountInString(r.Params[name]) > NoteMax:
		return fmt.Errorf("%w: note longer than %d characters", ErrInvalidRequest, NoteMax)
	}
	return nil
}
