package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/inbox"
	"github.com/docket-rpa/docket/orchestrator/sqlstore"
	"github.com/docket-rpa/docket/tasks"
	"github.com/hibiken/asynq"
	"github.com/spf13/cobra"
)

func newUsersCmd(cfg *Config, stdin io.Reader, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage the web UI's local users",
		Long: `users adds and lists the local users of the web UI and JSON API. Roles, least
to most: viewer (bot health, runs, schedules, queue totals; no patient data),
staff (works the inbox), supervisor (assigns, pauses and starts bots, reads the
audit log), admin (manages users).`,
		Example: "  docket users add alice --role staff < password.txt\n  docket users list",
	}
	cmd.AddCommand(newUsersAddCmd(cfg, stdin, stdout), newUsersListCmd(cfg, stdout))
	return cmd
}

func newUsersAddCmd(cfg *Config, stdin io.Reader, stdout io.Writer) *cobra.Command {
	var role, password string
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a user; the password is read from the first line of stdin",
		Long: `add creates a user with a role. The password (8 to 72 bytes) is read from the first
line of standard input, or from --password for scripts (it is then visible to
other local users in the process list; prefer stdin). Only its bcrypt hash is
stored.`,
		Example: "  printf '%s\\n' \"$PW\" | docket users add alice --role staff\n  docket users add ci --role viewer --password 'long-random-secret'",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := orchestrator.ParseRole(role)
			if err != nil {
				return usageError{err}
			}
			if !cmd.Flags().Changed("password") {
				line, err := bufio.NewReader(stdin).ReadString('\n')
				if err != nil && !errors.Is(err, io.EOF) {
					return fmt.Errorf("read password from stdin: %w", err)
				}
				password = strings.TrimRight(line, "\r\n")
			}
			a, err := newApp(*cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			u, err := inbox.CreateUser(cmd.Context(), st, args[0], r, password)
			if errors.Is(err, orchestrator.ErrInvalid) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "user %s added with role %s\n", u.Name, u.Role)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "staff", "viewer, staff, supervisor or admin")
	cmd.Flags().StringVar(&password, "password", "", "the password (default: first line of stdin)")
	return cmd
}

func newUsersListCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List users with their roles",
		Example: "  docket users list",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := newApp(*cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			users, err := st.Users(cmd.Context())
			if err != nil {
				return err
			}
			for _, u := range users {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				fmt.Fprintf(stdout, "%-24s %-10s %s\n", orchestrator.EscapeText(u.Name), u.Role, state)
			}
			return nil
		},
	}
}

// inboxDeps are what the web UI needs beyond the store. Runs and Evidence
// may be nil (serve without a queue connection cannot "run now").
type inboxDeps struct {
	Evidence orchestrator.EvidenceStore
	Runs     inbox.RunStarter
	// Tasks is the workflow's task service (queues from rules_file; write-back
	// outcomes refused when no write-back bot is configured).
	Tasks *orchestrator.TaskService
}

// writeBacker is the configured write-back bot (named tasks.BotWriteBack)
// as the task service sees it; nil when none is configured, and the web
// then refuses outcomes that write back, saying so.
func (a *app) writeBacker() (orchestrator.WriteBacker, error) {
	b, ok := a.cfg.bots()[tasks.BotWriteBack]
	if !ok {
		return nil, nil
	}
	return tasks.NewWriteBacks(b)
}

// startDispatcher starts the outbox dispatcher, stopped when a closes.
func (a *app) startDispatcher(ctx context.Context, st orchestrator.Store, client *asynq.Client) (*tasks.Dispatcher, error) {
	d, err := tasks.NewDispatcher(tasks.DispatcherConfig{Store: st, Client: client, Bots: a.cfg.bots(), Logger: a.log.Named("outbox"),
		Retention: a.cfg.OutboxRetention})
	if err != nil {
		return nil, err
	}
	if err := d.Start(ctx); err != nil {
		return nil, err
	}
	a.onClose(d.Stop)
	return d, nil
}

// mountInbox adds the web UI and JSON API to mux. Cookies are Secure when
// the request came over TLS (here, or to a trusted proxy that says so in
// X-Forwarded-Proto), and always when the web listens on anything but
// loopback (it is then meant to sit behind a TLS proxy); the demo on
// http://127.0.0.1 thus still logs in.
func (a *app) mountInbox(st *sqlstore.Store, deps inboxDeps, mux *http.ServeMux) error {
	var ruleNames []string
	if r, err := a.router(); err != nil {
		return err
	} else if r != nil {
		ruleNames = r.RuleNames()
	}
	web, err := inbox.New(inbox.Config{
		Store: st, Users: st, Throttle: st, Schedules: st, Tasks: deps.Tasks, Evidence: deps.Evidence, Runs: deps.Runs,
		Bots: a.cfg.bots(), Kinds: a.kinds, Logger: a.log.Named("web"), SecureCookies: !loopbackAddr(a.cfg.HTTPAddr),
		TrustedProxies: a.cfg.trustedProxies(), RoutingRules: ruleNames,
	})
	if err != nil {
		return err
	}
	web.Register(mux)
	return nil
}

func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// demoUsers are created by `docket demo` only, with passwords printed in
// its banner: never in serve.
var demoUsers = []struct {
	Name     string
	Role     orchestrator.Role
	Password string
}{
	{"viewer", orchestrator.RoleViewer, "demo-viewer"},
	{"staff", orchestrator.RoleStaff, "demo-staff"},
	{"staff2", orchestrator.RoleStaff, "demo-staff2"},
	{"supervisor", orchestrator.RoleSupervisor, "demo-supervisor"},
	{"admin", orchestrator.RoleAdmin, "demo-admin"},
}

// ensureDemoUsers creates the demo users that do not exist yet.
func ensureDemoUsers(ctx context.Context, st *sqlstore.Store) error {
	for _, u := range demoUsers {
		_, err := inbox.CreateUser(ctx, st, u.Name, u.Role, u.Password)
		if err != nil && !errors.Is(err, orchestrator.ErrConflict) {
			return fmt.Errorf("demo user %s: %w", u.Name, err)
		}
	}
	return nil
}

// demoUsersLine lists the demo users and passwords for the banner.
func demoUsersLine() string {
	parts := make([]string, len(demoUsers))
	for i, u := range demoUsers {
		parts[i] = u.Name + "/" + u.Password
	}
	return strings.Join(parts, ", ")
}
