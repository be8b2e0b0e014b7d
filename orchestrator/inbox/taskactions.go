package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

type taskAct int

const (
	actClaim taskAct = iota
	actRelease
	actComment
	actResolve
	actAssign
	actRetryWriteBack
)

func (a taskAct) String() string {
	return [...]string{"claim", "release", "comment", "resolve", "assign", "retry the write-back of"}[a]
}

// taskInput is what a task form or API body carries. Version is the task
// version the person saw (0: whatever it is now); a stale one is a
// conflict, so nobody resolves a task that changed under them.
type taskInput struct {
	Version int64  `json:"version"`
	Body    string `json:"body"`    // comment
	Outcome string `json:"outcome"` // resolve
	Note    string `json:"note"`    // resolve
	User    string `json:"user"`    // assign
}

func (in *taskInput) clean() {
	in.Body, in.Note = cleanText(in.Body), cleanText(in.Note)
	in.Outcome, in.User = strings.TrimSpace(cleanText(in.Outcome)), strings.ToLower(strings.TrimSpace(cleanText(in.User)))
}

// flashKeys are the confirmations after each action.
var flashKeys = map[taskAct]string{actClaim: "claimed", actRelease: "released", actComment: "commented", actResolve: "resolved", actAssign: "assigned",
	actRetryWriteBack: "retried"}

// doTask validates input and runs the action through the task service,
// which checks the lifecycle, the version and who holds the task, and
// audits the change.
func (s *Server) doTask(ctx context.Context, p *principal, id int64, act taskAct, in taskInput) (orchestrator.HumanTask, error) {
	in.clean()
	user := p.User.Name
	switch act {
	case actClaim:
		return s.cfg.Tasks.Claim(ctx, id, in.Version, user)
	case actRelease:
		return s.cfg.Tasks.Release(ctx, id, in.Version, user)
	case actComment:
		if strings.TrimSpace(in.Body) == "" {
			return orchestrator.HumanTask{}, fmt.Errorf("%w: the comment is empty", orchestrator.ErrInvalid)
		}
		if err := checkLength("comment", in.Body, s.cfg.CommentMax); err != nil {
			return orchestrator.HumanTask{}, err
		}
		if _, err := s.cfg.Store.Task(ctx, id); err != nil {
			return orchestrator.HumanTask{}, err
		}
		_, err := s.cfg.Tasks.Comment(ctx, id, user, in.Body)
		return orchestrator.HumanTask{}, err
	case actResolve:
		if in.Outcome == "" {
			return orchestrator.HumanTask{}, fmt.Errorf("%w: choose an outcome", orchestrator.ErrInvalid)
		}
		if err := checkLength("note", in.Note, s.cfg.CommentMax); err != nil {
			return orchestrator.HumanTask{}, err
		}
		return s.cfg.Tasks.Resolve(ctx, id, in.Version, user, orchestrator.Resolution{Outcome: in.Outcome, Note: in.Note})
	case actRetryWriteBack:
		return s.cfg.Tasks.RetryWriteBack(ctx, id, in.Version, user)
	case actAssign:
		to, err := s.cfg.Users.UserByName(ctx, in.User)
		if errors.Is(err, orchestrator.ErrNotFound) || (err == nil && (to.Disabled || !to.Role.Includes(orchestrator.RoleStaff))) {
			return orchestrator.HumanTask{}, fmt.Errorf("%w: %q is not an active staff user", orchestrator.ErrInvalid, in.User)
		}
		if err != nil {
			return orchestrator.HumanTask{}, err
		}
		return s.cfg.Tasks.Assign(ctx, id, in.Version, to.Name, user)
	}
	return orchestrator.HumanTask{}, fmt.Errorf("%w: unknown action", orchestrator.ErrInvalid)
}
