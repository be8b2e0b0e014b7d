package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LeaseDefault is how long an item may stay InProgress without finishing
// before the lease sweep abandons it.
const LeaseDefault = 30 * time.Minute

// ItemServiceConfig wires an ItemService.
type ItemServiceConfig struct {
	Store Store // required
	// Lease is how long a started item is held. Default LeaseDefault.
	Lease time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// ItemService moves work items through their lifecycle. Every change is
// checked against the lifecycle, written with optimistic concurrency, and
// recorded in the item's history and the audit log with actor and reason.
//
// Methods take the version the caller last saw (expect); 0 means "the
// current one" (the service reads it). A stale version gives an error
// matching ErrConflict.
type ItemService struct {
	store Store
	lease time.Duration
	now   func() time.Time
}

// NewItemService applies defaults and checks cfg.
func NewItemService(cfg ItemServiceConfig) (*ItemService, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("orchestrator: item service: %w: no store", ErrInvalid)
	}
	if cfg.Lease <= 0 {
		cfg.Lease = LeaseDefault
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &ItemService{store: cfg.Store, lease: cfg.Lease, now: cfg.Now}, nil
}

// Start takes a New item for actor and leases it until now + Lease. A
// deferred item cannot start before its DeferUntil.
func (s *ItemService) Start(ctx context.Context, id, expect int64, actor string) (WorkItem, error) {
	return s.change(ctx, id, expect, actor, ActionStarted, "", s.start(id, actor))
}

func (s *ItemService) start(id int64, actor string) func(now time.Time, st *ItemState) error {
	return func(now time.Time, st *ItemState) error {
		if err := move(id, st, ItemInProgress); err != nil {
			return err
		}
		if !st.DeferUntil.IsZero() && now.Before(st.DeferUntil) {
			return fmt.Errorf("%w: item %d is deferred until %s", ErrInvalid, id, st.DeferUntil.UTC().Format(time.RFC3339))
		}
		st.LeaseOwner, st.LeaseUntil = actor, now.Add(s.lease)
		return nil
	}
}

// Release puts an InProgress item back to New, optionally deferred.
func (s *ItemService) Release(ctx context.Context, id, expect int64, actor, reason string, deferUntil time.Time) (WorkItem, error) {
	return s.change(ctx, id, expect, actor, ActionReleased, reason, func(_ time.Time, st *ItemState) error {
		if err := move(id, st, ItemNew); err != nil {
			return err
		}
		st.DeferUntil = deferUntil.UTC()
		return nil
	})
}

// Succeed ends an item successfully.
func (s *ItemService) Succeed(ctx context.Context, id, expect int64, actor, reason string) (WorkItem, error) {
	return s.change(ctx, id, expect, actor, ActionSucceeded, reason, moveTo(id, ItemSuccessful))
}

func moveTo(id int64, to ItemStatus) func(time.Time, *ItemState) error {
	return func(_ time.Time, st *ItemState) error { return move(id, st, to) }
}

// Fail ends an item as a business or application failure; reason is
// required.
func (s *ItemService) Fail(ctx context.Context, id, expect int64, actor string, kind FailureKind, reason string) (WorkItem, error) {
	if kind != FailureBusiness && kind != FailureApplication {
		return WorkItem{}, fmt.Errorf("orchestrator: fail item %d: %w: failure kind %q: want business or application", id, ErrInvalid, kind)
	}
	return s.change(ctx, id, expect, actor, ActionFailed, reason, failAs(id, kind))
}

func failAs(id int64, kind FailureKind) func(time.Time, *ItemState) error {
	return func(_ time.Time, st *ItemState) error {
		if err := move(id, st, ItemFailed); err != nil {
			return err
		}
		st.Failure = kind
		return nil
	}
}

// Abandon gives an item up; reason is required.
func (s *ItemService) Abandon(ctx context.Context, id, expect int64, actor, reason string) (WorkItem, error) {
	return s.change(ctx, id, expect, actor, ActionAbandoned, reason, func(_ time.Time, st *ItemState) error {
		return move(id, st, ItemAbandoned)
	})
}

// Retry sends a Failed or Abandoned item back to New and counts the
// retry; the earlier outcome stays in the history (the retry lineage).
func (s *ItemService) Retry(ctx context.Context, id, expect int64, actor, reason string) (WorkItem, error) {
	return s.change(ctx, id, expect, actor, ActionRetried, reason, func(_ time.Time, st *ItemState) error {
		if !st.Status.CanRetry() {
			return &TransitionError{What: fmt.Sprintf("item %d", id), From: string(st.Status), To: string(ItemNew) + " (retry)"}
		}
		st.Status, st.Failure, st.RetryCount = ItemNew, FailureNone, st.RetryCount+1
		return nil
	})
}

// SetReview moves the item's review status.
func (s *ItemService) SetReview(ctx context.Context, id, expect int64, actor string, to ReviewStatus, reason string) (WorkItem, error) {
	return s.change(ctx, id, expect, actor, ActionReviewed, reason, review(id, to))
}

func review(id int64, to ReviewStatus) func(time.Time, *ItemState) error {
	return func(_ time.Time, st *ItemState) error {
		from := st.Review
		if from == "" {
			from = ReviewNone
		}
		if !from.CanReview(to) {
			return &TransitionError{What: fmt.Sprintf("item %d review", id), From: string(from), To: string(to)}
		}
		st.Review = to
		return nil
	}
}

// ItemEdit changes an item's scheduling fields; nil fields stay as they are.
type ItemEdit struct {
	Queue      *string
	Priority   *Priority
	Reference  *string // unique within the queue; "" clears it
	DeferUntil *time.Time
	DueAt      *time.Time
}

// Edit changes an item's queue, priority, reference, deferral or deadline.
// A reference another item of the queue has gives an error matching
// ErrConflict.
func (s *ItemService) Edit(ctx context.Context, id, expect int64, actor string, e ItemEdit, reason string) (WorkItem, error) {
	return s.change(ctx, id, expect, actor, ActionEdited, reason, func(_ time.Time, st *ItemState) error {
		return applyEdit(id, st, e)
	})
}

func applyEdit(id int64, st *ItemState, e ItemEdit) error {
	if e.Queue != nil {
		if *e.Queue == "" {
			return fmt.Errorf("%w: item %d: queue cannot be empty", ErrInvalid, id)
		}
		st.Queue = *e.Queue
	}
	if e.Priority != nil {
		if e.Priority.Rank() == 0 {
			return fmt.Errorf("%w: item %d: priority %q", ErrInvalid, id, *e.Priority)
		}
		st.Priority = *e.Priority
	}
	if e.Reference != nil {
		st.Reference = *e.Reference
	}
	if e.DeferUntil != nil {
		st.DeferUntil = e.DeferUntil.UTC()
	}
	if e.DueAt != nil {
		st.DueAt = e.DueAt.UTC()
	}
	return nil
}

// SweepReport counts what a sweep changed.
type SweepReport struct {
	Abandoned int // InProgress items whose lease ran out
	Expired   int // New or InProgress items past their deadline
}

// Sweep abandons items whose lease ran out ("lease of 30m0s held by
// run:x expired at …") and items past their deadline ("deadline … passed
// before the item finished"), as ActorSystem. An item another writer
// changed meanwhile is skipped; the next sweep sees it again.
func (s *ItemService) Sweep(ctx context.Context, limit int) (SweepReport, error) {
	var rep SweepReport
	now := s.now().UTC()
	leased, err := s.store.ExpiredLeases(ctx, now, limit)
	if err != nil {
		return rep, fmt.Errorf("orchestrator: sweep leases: %w", err)
	}
	for _, it := range leased {
		reason := fmt.Sprintf("lease held by %s expired at %s", it.LeaseOwner, it.LeaseUntil.UTC().Format(time.RFC3339))
		_, err := s.change(ctx, it.ID, it.Version, ActorSystem, ActionAbandoned, reason, func(_ time.Time, st *ItemState) error {
			return move(it.ID, st, ItemAbandoned)
		})
		if err := sweepErr(err); err != nil {
			return rep, err
		}
		if err == nil {
			rep.Abandoned++
		}
	}
	late, err := s.store.PastDeadline(ctx, now, limit)
	if err != nil {
		return rep, fmt.Errorf("orchestrator: sweep deadlines: %w", err)
	}
	for _, it := range late {
		reason := fmt.Sprintf("deadline %s passed before the item finished", it.DueAt.UTC().Format(time.RFC3339))
		_, err := s.change(ctx, it.ID, it.Version, ActorSystem, ActionExpired, reason, func(_ time.Time, st *ItemState) error {
			return move(it.ID, st, ItemAbandoned)
		})
		if err := sweepErr(err); err != nil {
			return rep, err
		}
		if err == nil {
			rep.Expired++
		}
	}
	return rep, nil
}

// sweepErr drops the errors a sweep expects from racing writers.
func sweepErr(err error) error {
	if err == nil || errors.Is(err, ErrConflict) || errors.Is(err, ErrInvalid) {
		return nil
	}
	return err
}

func move(id int64, st *ItemState, to ItemStatus) error {
	if !st.Status.CanTransition(to) {
		return &TransitionError{What: fmt.Sprintf("item %d", id), From: string(st.Status), To: string(to)}
	}
	st.Status = to
	if to != ItemFailed {
		st.Failure = FailureNone
	}
	if to != ItemInProgress {
		st.LeaseOwner, st.LeaseUntil = "", time.Time{}
	}
	return nil
}

// change reads the item (at version expect unless 0), applies fn to its
// state and writes it. Automatic and failing changes need a reason.
func (s *ItemService) change(ctx context.Context, id, expect int64, actor, action, reason string,
	fn func(now time.Time, st *ItemState) error) (WorkItem, error) {
	if actor == "" {
		return WorkItem{}, fmt.Errorf("orchestrator: %s item %d: %w: no actor", action, id, ErrInvalid)
	}
	it, err := s.store.Item(ctx, id)
	if err != nil {
		return WorkItem{}, fmt.Errorf("orchestrator: %s item %d: %w", action, id, err)
	}
	if expect != 0 && it.Version != expect {
		return WorkItem{}, fmt.Errorf("orchestrator: %s item %d: %w: it changed since version %d (now %d, %s)",
			action, id, ErrConflict, expect, it.Version, it.Status)
	}
	u, _, err := s.plan(it, actor, action, reason, fn)
	if err != nil {
		return WorkItem{}, err
	}
	out, err := s.store.UpdateItem(ctx, u)
	if err != nil {
		return WorkItem{}, fmt.Errorf("orchestrator: %s item %d: %w", action, id, err)
	}
	return out, nil
}

// plan computes the change fn makes to it without writing it: the update
// for Store.UpdateItem (or a TaskUpdate's Items) and the item as it will
// be once written, for a following change in the same transaction.
func (s *ItemService) plan(it WorkItem, actor, action, reason string,
	fn func(now time.Time, st *ItemState) error) (ItemUpdate, WorkItem, error) {
	id := it.ID
	if actor == "" {
		return ItemUpdate{}, it, fmt.Errorf("orchestrator: %s item %d: %w: no actor", action, id, ErrInvalid)
	}
	needsReason := actor == ActorSystem || action == ActionFailed || action == ActionAbandoned || action == ActionExpired
	if needsReason && reason == "" {
		return ItemUpdate{}, it, fmt.Errorf("orchestrator: %s item %d: %w: a reason is required", action, id, ErrInvalid)
	}
	now := s.now().UTC()
	st := it.State()
	if err := fn(now, &st); err != nil {
		return ItemUpdate{}, it, fmt.Errorf("orchestrator: %s item %d: %w", action, id, err)
	}
	if action == ActionFailed || action == ActionAbandoned || action == ActionExpired {
		st.StatusReason = reason
	} else if st.Status != it.Status {
		st.StatusReason = reason
	}
	next := it.withState(st)
	next.Version++
	return ItemUpdate{ItemID: id, Version: it.Version, State: st, Actor: actor, Action: action, Reason: reason, At: now}, next, nil
}
