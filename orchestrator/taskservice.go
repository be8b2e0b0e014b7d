package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TaskServiceConfig wires a TaskService.
type TaskServiceConfig struct {
	Store  Store   // required
	Queues *Queues // required: SLA policies, members and outcomes per queue
	// Items ends a task's work item when an outcome says so. Default: one
	// built on Store with the same clock.
	Items *ItemService
	// WriteBack says which items a write-back can act on; outcomes with
	// WriteBack are refused (and not offered) without it.
	WriteBack WriteBacker
	// OnOutbox, if set, is called after a change committed an outbox
	// message (to wake the dispatcher). Default: nothing; the dispatcher
	// finds the message on its next poll.
	OnOutbox func()
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// TaskService runs human tasks: opening them with an SLA clock, claiming,
// assigning, escalating, resolving and commenting. Every change is written
// with optimistic concurrency and audited in the same transaction; a lost
// race is a *TaskConflictError saying who won and when.
//
// Methods that change a task take expect, the version the caller last saw;
// 0 means the current one.
type TaskService struct {
	store     Store
	queues    *Queues
	items     *ItemService
	writeBack WriteBacker
	onOutbox  func()
	now       func() time.Time
}

// NewTaskService applies defaults and checks cfg.
func NewTaskService(cfg TaskServiceConfig) (*TaskService, error) {
	if cfg.Store == nil || cfg.Queues == nil {
		return nil, fmt.Errorf("orchestrator: task service: %w: needs a store and queues", ErrInvalid)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Items == nil {
		items, err := NewItemService(ItemServiceConfig{Store: cfg.Store, Now: cfg.Now})
		if err != nil {
			return nil, err
		}
		cfg.Items = items
	}
	return &TaskService{store: cfg.Store, queues: cfg.Queues, items: cfg.Items, writeBack: cfg.WriteBack,
		onOutbox: cfg.OnOutbox, now: cfg.Now}, nil
}

// Queues are the service's queue configurations.
func (s *TaskService) Queues() *Queues { return s.queues }

// Open opens the task decision d asks for about item, with the queue's SLA
// clock, and assigns it by the queue's strategy. It returns the task and
// whether it was created: an open task for the same item and rule is
// returned as it is, and a resolved one is not reopened while the item's
// data is unchanged. d.MoveItem also moves the item to d.Queue.
func (s *TaskService) Open(ctx context.Context, item WorkItem, d RouteDecision, actor string) (HumanTask, bool, error) {
	tasks, err := s.store.Tasks(ctx, TaskFilter{ItemID: item.ID, Limit: 1000})
	if err != nil {
		return HumanTask{}, false, fmt.Errorf("orchestrator: open task for item %d: %w", item.ID, err)
	}
	for _, t := range tasks {
		if t.Reason == d.Rule && (t.Status.Open() || t.ItemDataHash == item.DataHash) {
			return t, false, nil
		}
	}
	t, created, err := s.open(ctx, HumanTask{
		ItemID: item.ID, ItemRef: item.Ref(), ItemKey: item.ExternalID, ItemDataHash: item.DataHash, Reason: d.Rule,
	}, d, actor)
	if err != nil || !created {
		return t, created, err
	}
	if d.MoveItem && (item.Queue != d.Queue || (d.Priority != "" && item.Priority != d.Priority)) {
		q, p := d.Queue, d.Priority
		if p == "" {
			p = item.Priority
		}
		if _, err := s.items.Edit(ctx, item.ID, 0, actor, ItemEdit{Queue: &q, Priority: &p}, "routed by rule "+d.Rule); err != nil {
			return t, true, fmt.Errorf("orchestrator: route item %d to %s: %w", item.ID, q, err)
		}
	}
	return t, true, nil
}

// OpenForRun opens the task decision d asks for about a failed run: one
// open task per rule and bot (ItemID 0).
func (s *TaskService) OpenForRun(ctx context.Context, f RunFailure, d RouteDecision) (HumanTask, bool, error) {
	return s.open(ctx, HumanTask{Reason: d.Rule + ":" + f.Run.Bot, ItemRef: runTaskRef + f.Run.Bot, ItemKey: f.Run.Bot}, d, RunActor(f.Run.ID))
}

func (s *TaskService) open(ctx context.Context, t HumanTask, d RouteDecision, actor string) (HumanTask, bool, error) {
	q, ok := s.queues.Queue(d.Queue)
	if !ok {
		return HumanTask{}, false, fmt.Errorf("orchestrator: open task (%s): %w: queue %q is not configured", t.Reason, ErrInvalid, d.Queue)
	}
	now := s.now().UTC()
	t.Queue, t.Status, t.Priority, t.Detail = q.Name, TaskUnassigned, d.Priority, d.Detail
	if t.Priority == "" {
		t.Priority = PriorityNormal
	}
	t.CreatedAt, t.SLAState = now, SLAOnTrack
	t.ClockStart = now
	if !d.ClockStart.IsZero() && d.ClockStart.Before(now) {
		t.ClockStart = d.ClockStart.UTC()
	}
	t.AtRiskAt, t.DueAt = q.SLA.Clock(s.queues.Calendar, t.ClockStart)
	if !d.DueAt.IsZero() && d.DueAt.Before(t.DueAt) {
		t.DueAt = d.DueAt.UTC()
		if t.AtRiskAt.After(t.DueAt) {
			t.AtRiskAt = t.DueAt
		}
	}
	t.SLAState = SLAStateAt(now, t.AtRiskAt, t.DueAt)
	if step, level := q.SLA.Step(s.queues.Calendar, t.ClockStart, now); level > 0 {
		// A clock that started in the past (a query sent days ago) starts
		// on the step its age has reached.
		t.Escalation, t.EscalatedTo = level, step.Role
		if level > 1 {
			t.Status = TaskEscalated
		}
	}
	t.EscalateAt = s.nextEscalation(q, t.ClockStart, t.Escalation)
	created, isNew, err := s.store.CreateTask(ctx, t)
	if err != nil {
		return HumanTask{}, false, fmt.Errorf("orchestrator: open task (%s): %w", t.Reason, err)
	}
	if !isNew {
		return created, false, nil
	}
	if q.Assignment == AssignRoundRobin || q.Assignment == AssignLeastLoaded {
		assigned, err := s.autoAssign(ctx, created, q, ActorSystem, "")
		if err != nil {
			return created, true, err
		}
		created = assigned
	}
	return created, true, nil
}

// nextEscalation is when the ladder step after level is reached.
func (s *TaskService) nextEscalation(q QueueConfig, start time.Time, level int) time.Time {
	if level >= len(q.SLA.Escalation) {
		return time.Time{}
	}
	return s.queues.Calendar.AddBusinessDays(start, q.SLA.Escalation[level].AfterDays).UTC()
}

// Claim gives an unassigned or escalated task to user. expect is the
// version the person saw (the page's hidden field, the API's version; 0
// means the current one): a task that changed since gives a
// *TaskConflictError, and one someone else holds or resolved says who and
// when ("cannot claim task 42: it was claimed by alice at 10:02 UTC …"). Of
// two simultaneous claims exactly one wins. Claiming a task one already
// holds is harmless, whatever version one saw.
func (s *TaskService) Claim(ctx context.Context, id, expect int64, user string) (HumanTask, error) {
	if user == "" {
		return HumanTask{}, fmt.Errorf("orchestrator: claim task %d: %w: no user", id, ErrInvalid)
	}
	return s.change(ctx, "claim", id, expect, UserActor(user), func(now time.Time, t *HumanTask) (string, string, error) {
		if t.Assignee == user && t.Status == TaskAssigned {
			return "", "", errUnchanged
		}
		if t.Status == TaskCompleted || t.Assignee != "" {
			return "", "", s.conflict("claim", *t)
		}
		t.Status, t.Assignee, t.AssignedAt, t.AssignedBy = TaskAssigned, user, now, UserActor(user)
		return "task.claimed", "claimed", nil
	})
}

// Assign gives the task to user on behalf of by (a supervisor), replacing
// any assignee.
func (s *TaskService) Assign(ctx context.Context, id, expect int64, user, by string) (HumanTask, error) {
	if user == "" || by == "" {
		return HumanTask{}, fmt.Errorf("orchestrator: assign task %d: %w: needs a user and who assigns", id, ErrInvalid)
	}
	return s.change(ctx, "assign", id, expect, UserActor(by), func(now time.Time, t *HumanTask) (string, string, error) {
		if t.Status == TaskCompleted {
			return "", "", s.conflict("assign", *t)
		}
		prev := t.Assignee
		t.Status, t.Assignee, t.AssignedAt, t.AssignedBy = TaskAssigned, user, now, UserActor(by)
		if prev != "" && prev != user {
			return "task.reassigned", fmt.Sprintf("from %s to %s", prev, user), nil
		}
		return "task.assigned", "to " + user, nil
	})
}

// AutoAssign assigns the task by strategy among the queue's members:
// AssignRoundRobin or AssignLeastLoaded.
func (s *TaskService) AutoAssign(ctx context.Context, id int64, strategy AssignStrategy, by string) (HumanTask, error) {
	t, err := s.store.Task(ctx, id)
	if err != nil {
		return HumanTask{}, fmt.Errorf("orchestrator: assign task %d: %w", id, err)
	}
	q, ok := s.queues.Queue(t.Queue)
	if !ok {
		return HumanTask{}, fmt.Errorf("orchestrator: assign task %d: %w: queue %q is not configured", id, ErrInvalid, t.Queue)
	}
	q.Assignment = strategy
	return s.autoAssign(ctx, t, q, by, "")
}

func (s *TaskService) autoAssign(ctx context.Context, t HumanTask, q QueueConfig, by, skip string) (HumanTask, error) {
	members := make([]string, 0, len(q.Members))
	for _, m := range q.Members {
		if m != skip {
			members = append(members, m)
		}
	}
	if len(members) == 0 {
		return t, fmt.Errorf("orchestrator: assign task %d: %w: queue %s has no members to assign to", t.ID, ErrInvalid, q.Name)
	}
	var user string
	switch q.Assignment {
	case AssignRoundRobin:
		n, err := s.store.NextInTurn(ctx, "assign:"+q.Name)
		if err != nil {
			return t, fmt.Errorf("orchestrator: assign task %d: %w", t.ID, err)
		}
		user = members[(n-1)%int64(len(members))]
	case AssignLeastLoaded:
		load, err := s.store.CountOpenTasks(ctx, q.Name)
		if err != nil {
			return t, fmt.Errorf("orchestrator: assign task %d: %w", t.ID, err)
		}
		user = members[0]
		for _, m := range members[1:] {
			if load[m] < load[user] {
				user = m
			}
		}
	default:
		return t, fmt.Errorf("orchestrator: assign task %d: %w: strategy %q is not automatic", t.ID, ErrInvalid, q.Assignment)
	}
	actor := by
	if actor == "" {
		actor = ActorSystem
	}
	return s.change(ctx, "assign", t.ID, t.Version, actor, func(now time.Time, t *HumanTask) (string, string, error) {
		if t.Status == TaskCompleted {
			return "", "", s.conflict("assign", *t)
		}
		t.Status, t.Assignee, t.AssignedAt, t.AssignedBy = TaskAssigned, user, now, actor
		return "task.assigned", fmt.Sprintf("to %s (%s)", user, q.Assignment), nil
	})
}

// Release hands a task user holds back to the queue.
func (s *TaskService) Release(ctx context.Context, id, expect int64, user string) (HumanTask, error) {
	return s.change(ctx, "release", id, expect, UserActor(user), func(_ time.Time, t *HumanTask) (string, string, error) {
		if t.Status == TaskCompleted || t.Assignee != user {
			return "", "", s.conflict("release", *t)
		}
		t.Status, t.Assignee, t.AssignedAt, t.AssignedBy = TaskUnassigned, "", time.Time{}, ""
		return "task.released", "", nil
	})
}

// Escalate moves the task to the next step of its queue's ladder (or
// marks it escalated when the ladder is empty or used up); reason is
// required.
func (s *TaskService) Escalate(ctx context.Context, id, expect int64, actor, reason string) (HumanTask, error) {
	if reason == "" || actor == "" {
		return HumanTask{}, fmt.Errorf("orchestrator: escalate task %d: %w: needs an actor and a reason", id, ErrInvalid)
	}
	return s.change(ctx, "escalate", id, expect, actor, func(_ time.Time, t *HumanTask) (string, string, error) {
		if t.Status == TaskCompleted {
			return "", "", s.conflict("escalate", *t)
		}
		s.escalateTo(t, t.Escalation+1)
		return "task.escalated", reason, nil
	})
}

// escalateTo moves t to ladder level (1-based), capped at the top step.
func (s *TaskService) escalateTo(t *HumanTask, level int) {
	q, _ := s.queues.Queue(t.Queue)
	t.Status = TaskEscalated
	if n := len(q.SLA.Escalation); level > n {
		level = max(n, t.Escalation+1)
	}
	t.Escalation = level
	t.EscalateAt = s.nextEscalation(q, t.ClockStart, level)
	if level >= 1 && level <= len(q.SLA.Escalation) {
		step := q.SLA.Escalation[level-1]
		t.EscalatedTo = step.Role
		if step.Assignee != "" {
			t.Assignee, t.AssignedBy, t.AssignedAt = step.Assignee, ActorSystem, s.now().UTC()
		}
	}
}

// Comment adds user's comment to a task (open or not).
func (s *TaskService) Comment(ctx context.Context, id int64, user, body string) (TaskComment, error) {
	if user == "" || body == "" {
		return TaskComment{}, fmt.Errorf("orchestrator: comment on task %d: %w: needs a user and text", id, ErrInvalid)
	}
	c, err := s.store.AddComment(ctx, TaskComment{TaskID: id, Author: user, Body: body, At: s.now().UTC()})
	if err != nil {
		return TaskComment{}, fmt.Errorf("orchestrator: comment on task %d: %w", id, err)
	}
	return c, nil
}

// errUnchanged tells change there is nothing to write.
var errUnchanged = errors.New("unchanged")

// change reads the task, lets fn edit it and name the audit action and
// detail, checks expect, and writes it with the item history entry of a
// person's step. A step that is already so (fn says errUnchanged) succeeds
// without a write whatever version the caller saw, so a retried request
// records nothing twice. A lost race becomes a *TaskConflictError built
// from the task as it now is.
func (s *TaskService) change(ctx context.Context, verb string, id, expect int64, actor string,
	fn func(now time.Time, t *HumanTask) (action, detail string, err error)) (HumanTask, error) {
	return s.changeWith(ctx, verb, id, expect, actor, func(now time.Time, t *HumanTask, _ *TaskUpdate) (string, string, error) {
		return fn(now, t)
	})
}

// changeWith is change for steps that write more in the same transaction:
// fn may add item changes and outbox messages to u, and set its History.
func (s *TaskService) changeWith(ctx context.Context, verb string, id, expect int64, actor string,
	fn func(now time.Time, t *HumanTask, u *TaskUpdate) (action, detail string, err error)) (HumanTask, error) {
	t, err := s.store.Task(ctx, id)
	if err != nil {
		return HumanTask{}, fmt.Errorf("orchestrator: %s task %d: %w", verb, id, err)
	}
	now := s.now().UTC()
	next := t
	var u TaskUpdate
	action, detail, err := fn(now, &next, &u)
	if errors.Is(err, errUnchanged) {
		return t, nil
	}
	if err != nil {
		var ce *TaskConflictError
		if errors.As(err, &ce) {
			return t, err
		}
		return t, fmt.Errorf("orchestrator: %s task %d: %w", verb, id, err)
	}
	if expect != 0 && t.Version != expect {
		return t, s.conflict(verb, t)
	}
	next.UpdatedAt = now
	u.Task, u.Actor, u.Action, u.Detail, u.At = next, actor, action, detail, now
	if u.History == "" {
		u.History = historyReason(actor, id, action, detail)
	}
	out, err := s.store.UpdateTask(ctx, u)
	if errors.Is(err, ErrConflict) {
		cur, rerr := s.store.Task(ctx, id)
		if rerr != nil || cur.Version == t.Version {
			// The task did not move: the race was lost on its item.
			return t, fmt.Errorf("orchestrator: %s task %d: %w", verb, id, err)
		}
		return cur, s.conflict(verb, cur)
	}
	if err != nil {
		return t, fmt.Errorf("orchestrator: %s task %d: %w", verb, id, err)
	}
	return out, nil
}

// historyReason is the item history reason of a person's step on task id,
// e.g. "task 42 resolved (outcome code_corrected)"; "" for the system's.
// It carries the audit detail, never a note or a comment's text.
func historyReason(actor string, id int64, action, detail string) string {
	if !strings.HasPrefix(actor, "user:") {
		return ""
	}
	verb := strings.TrimPrefix(action, "task.")
	reason := fmt.Sprintf("task %d %s", id, verb)
	if detail != "" && detail != verb {
		reason += " (" + detail + ")"
	}
	return reason
}

// conflict describes the task as it now is to the loser of a race: who
// resolved or holds it, or who changed it last.
func (s *TaskService) conflict(verb string, t HumanTask) error {
	e := &TaskConflictError{TaskID: t.ID, Status: t.Status, Action: verb, At: t.UpdatedAt}
	switch {
	case t.Status == TaskCompleted:
		e.By, e.At = t.CompletedBy, t.CompletedAt
	case t.Assignee != "":
		e.By, e.AssignedBy, e.At = t.Assignee, t.AssignedBy, t.AssignedAt
	default:
		e.ChangedBy = t.UpdatedBy
	}
	return e
}
