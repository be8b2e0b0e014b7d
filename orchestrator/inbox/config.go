package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"go.uber.org/zap"
	"golang.org/x/crypto/bcrypt"
)

// Defaults applied by New to zero Config fields.
const (
	// SessionTTLDefault is how long a login lasts: one working day.
	SessionTTLDefault = 12 * time.Hour
	// CommentMaxDefault bounds a comment or resolution note, in characters.
	CommentMaxDefault = 4000
	// PageSizeDefault is how many tasks one inbox page lists.
	PageSizeDefault = 50
	// TokenTTLDefault is how long a new API token lives unless its owner
	// picks less or more.
	TokenTTLDefault = 90 * 24 * time.Hour
	// TokenTTLMaxDefault is the longest an API token may live; a token
	// created before tokens expired lives this long from its creation.
	TokenTTLMaxDefault = 365 * 24 * time.Hour
	// CountMaxDefault bounds the count of an inbox listing: past it the
	// inbox says "more than 10000", and counting stays cheap however broad
	// the filter.
	CountMaxDefault = 10_000
)

// Config wires the inbox to the system of record and the run queue.
type Config struct {
	// Store is the system of record. Required.
	Store orchestrator.Store
	// Users keeps users, sessions and API tokens. Required.
	Users orchestrator.UserStore
	// Throttle keeps the login throttle's counters, shared by every serve
	// process (the SQL store implements it). Required.
	Throttle orchestrator.LoginThrottle
	// TrustedProxies are the TLS-terminating proxies whose
	// X-Forwarded-For and X-Forwarded-Proto are believed (for the source
	// address the throttle and the audit log use, Secure cookies and
	// HSTS). Default none: the peer is the client.
	TrustedProxies TrustedProxies
	// Tasks is the human-task service: claims, assignments, comments and
	// resolutions go through it (it audits them). Required.
	Tasks *orchestrator.TaskService
	// Schedules keeps which bots' schedules are paused. Required.
	Schedules ScheduleStore
	// Evidence opens evidence content. Nil: evidence pages answer 503.
	Evidence orchestrator.EvidenceStore
	// Runs starts a bot run now ("run now"). Nil: the button answers 503.
	Runs RunStarter
	// Bots are the configured bots, by name.
	Bots map[string]orchestrator.Bot
	// Kinds declares the record kinds items are shown and masked by: the
	// built-in ones and those the portal packs loaded. Default a registry
	// of the built-in kinds only.
	Kinds *orchestrator.KindRegistry
	// RoutingRules names the routing rules in force; an inbox with no task
	// at all says when there are none.
	RoutingRules []string
	// Logger gets request and failure logs, never patient data. Default
	// no-op.
	Logger *zap.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// SecureCookies sets the Secure flag on cookies even when a request
	// did not arrive over TLS (behind a TLS-terminating proxy). Requests
	// over TLS always get it. Off by default so the demo works on
	// http://127.0.0.1.
	SecureCookies bool
	// SessionTTL is how long a login lasts. Default SessionTTLDefault.
	SessionTTL time.Duration
	// TokenTTL is a new API token's lifetime when its owner does not pick
	// one. Default TokenTTLDefault.
	TokenTTL time.Duration
	// TokenTTLMax is the longest lifetime an owner may pick. Default
	// TokenTTLMaxDefault.
	TokenTTLMax time.Duration
	// CommentMax bounds comments and notes. Default CommentMaxDefault.
	CommentMax int
	// PageSize is the inbox page size. Default PageSizeDefault.
	PageSize int
	// CountMax is how many matches a listing counts at most. Default
	// CountMaxDefault.
	CountMax int
	// PasswordCost is the bcrypt cost of the hash a login with an unknown
	// name is checked against, so it takes as long as a real one. Default
	// bcrypt.DefaultCost, the cost CreateUser hashes with.
	PasswordCost int
}

// ScheduleStore keeps which bots' schedules a supervisor paused. The SQL
// store implements it.
type ScheduleStore interface {
	SetBotPaused(ctx context.Context, bot string, paused bool, by string, at time.Time) error
	PausedBots(ctx context.Context) (map[string]time.Time, error)
}

// RunStarter enqueues a manual run of a bot; the task queue's enqueuer
// implements it.
type RunStarter interface {
	EnqueueNow(ctx context.Context, bot orchestrator.Bot) (orchestrator.Run, error)
}

func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("inbox: Config.Store is required"))
	}
	if c.Users == nil {
		errs = append(errs, errors.New("inbox: Config.Users is required"))
	}
	if c.Throttle == nil {
		errs = append(errs, errors.New("inbox: Config.Throttle is required"))
	}
	if c.Tasks == nil {
		errs = append(errs, errors.New("inbox: Config.Tasks is required"))
	}
	if c.Schedules == nil {
		errs = append(errs, errors.New("inbox: Config.Schedules is required"))
	}
	if c.Kinds == nil {
		c.Kinds = orchestrator.NewKindRegistry()
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = SessionTTLDefault
	}
	if c.TokenTTLMax <= 0 {
		c.TokenTTLMax = TokenTTLMaxDefault
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = min(TokenTTLDefault, c.TokenTTLMax)
	}
	if c.TokenTTL > c.TokenTTLMax {
		errs = append(errs, fmt.Errorf("inbox: Config.TokenTTL %s is longer than TokenTTLMax %s", c.TokenTTL, c.TokenTTLMax))
	}
	if c.CommentMax <= 0 {
		c.CommentMax = CommentMaxDefault
	}
	if c.PasswordCost <= 0 {
		c.PasswordCost = bcrypt.DefaultCost
	}
	if c.CountMax <= 0 {
		c.CountMax = CountMaxDefault
	}
	if c.PageSize <= 0 {
		c.PageSize = PageSizeDefault
	}
	return c, errors.Join(errs...)
}
