package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the command ran and failed
	exitUsage  = 2 // bad flags, configuration or arguments
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// Main runs docket with args and returns the exit code. The end-to-end
// tests call it directly.
func Main(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var cfg Config
	root := newRoot(&cfg, environ, stdin, stdout)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return exitCode(root.ExecuteContext(ctx), stderr)
}

// exitCode reports err on stderr (unless the command already did) and
// returns the exit code for it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var re reportedError
	if errors.As(err, &re) {
		return exitFailed
	}
	// An error may quote portal data or a file name: one line, escaped.
	fmt.Fprintln(stderr, "docket: "+orchestrator.EscapeText(strings.ReplaceAll(err.Error(), "\n", " ")))
	var ce *ConfigError
	var ue usageError
	if errors.As(err, &ce) || errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailed
}

// reportedError fails the command after it has said why on stdout, so
// Main does not say it again.
type reportedError struct{ error }

// usageError is a bad flag or argument.
type usageError struct{ error }

func newRoot(cfg *Config, environ []string, stdin io.Reader, stdout io.Writer) *cobra.Command {
	var configPath string
	root := &cobra.Command{
		Use:   "docket",
		Short: "RPA orchestrator for healthcare revenue-cycle queue automation",
		Long: `Docket schedules headless-browser bots that read coding holds and claim scrubber
edits from web portals, updates work queues, routes exceptions to people and
keeps screenshot evidence of everything, with Prometheus metrics on bot health.

Configuration comes from defaults, then the YAML file (--config or DOCKET_CONFIG),
then DOCKET_* environment variables, then flags.`,
		Example:       "  docket demo\n  docket demo --once\n  docket serve --config /etc/docket/docket.yaml",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Name() == "version" || cmd.Name() == "help" {
				return nil
			}
			return loadConfig(cfg, configPath, environ, cmd.Flags())
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVarP(&configPath, "config", "c", "", "YAML configuration file (default $DOCKET_CONFIG)")
	addSettingFlags(root)
	root.AddCommand(
		newServeCmd(cfg, stdout),
		newWorkerCmd(cfg, stdout),
		newSchedulerCmd(cfg, stdout),
		newDemoCmd(cfg, stdout),
		newPortalCmd(cfg, stdout),
		newSelectorsCmd(cfg, stdout),
		newFlowsCmd(cfg, stdout),
		newRunCmd(cfg, stdout),
		newGetCmd(cfg, stdout),
		newMigrateCmd(cfg, stdout),
		newAuditCmd(cfg, stdout),
		newEvidenceCmd(cfg, stdout),
		newUsersCmd(cfg, stdin, stdout),
		newVersionCmd(stdout),
		newCredentialsCmd(cfg, stdin, stdout),
	)
	for _, c := range root.Commands() {
		addSettingFlags(c)
	}
	return root
}

// loadConfig layers defaults, file, environment and flags, then validates.
func loadConfig(cfg *Config, path string, environ []string, fs *pflag.FlagSet) error {
	*cfg = defaultConfig()
	if path == "" {
		for _, kv := range environ {
			if v, ok := strings.CutPrefix(kv, "DOCKET_CONFIG="); ok {
				path = v
			}
		}
	}
	if path != "" {
		if err := loadFile(cfg, path); err != nil {
			return err
		}
	}
	if err := applyEnv(cfg, environ); err != nil {
		return err
	}
	if err := changedSettings(cfg, fs); err != nil {
		return err
	}
	return cfg.validate()
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
