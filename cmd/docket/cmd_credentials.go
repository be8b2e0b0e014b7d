package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newCredentialsCmd(cfg *Config, stdin io.Reader, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Manage portal credentials in the encrypted vault",
		Long: `credentials stores portal logins sealed with AES-256-GCM in the database. The key
comes from DOCKET_SECRET_KEY, secret_key_file, or <data_dir>/secret.key (created
on first use). Workers prefer vault credentials over any in the configuration.`,
		Example: "  docket credentials set coding-worklist --username coder",
	}
	var username string
	set := &cobra.Command{
		Use:   "set PORTAL",
		Short: "Store the login of PORTAL (password and TOTP secret read from stdin)",
		Long: `set seals and stores the username, password and optional TOTP secret of a portal.
On a terminal it prompts without echo; otherwise it reads the password from the
first line of stdin and the TOTP secret from the second (optional). Secrets are
never taken as flags, which would show in the process list.`,
		Example: "  printf '%s\\n%s\\n' \"$PASSWORD\" \"$TOTP_SECRET\" | docket credentials set coding-worklist --username coder",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			portal := args[0]
			if _, ok := cfg.Portals[portal]; !ok {
				return usageError{fmt.Errorf("unknown portal %q (configure it under portals first)", portal)}
			}
			if username == "" {
				return usageError{errors.New("--username is required")}
			}
			password, totp, err := readSecrets(stdin, stdout)
			if err != nil {
				return err
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
			v, err := a.requireVault(st)
			if err != nil {
				return err
			}
			c := orchestrator.Credential{Portal: portal, Username: username, Password: password, TOTPSecret: totp}
			if err := v.Set(cmd.Context(), c); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "stored %s\n", c)
			return nil
		},
	}
	set.Flags().StringVar(&username, "username", "", "portal username")
	cmd.AddCommand(set)
	return cmd
}

// readSecrets reads the password and optional TOTP secret: prompted
// without echo on a terminal, else the first two lines of stdin.
func readSecrets(stdin io.Reader, prompt io.Writer) (password, totp string, err error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "password: ")
		p, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(prompt, "TOTP secret (empty for none): ")
		t, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", "", fmt.Errorf("read TOTP secret: %w", err)
		}
		password, totp = string(p), string(t)
	} else {
		sc := bufio.NewScanner(stdin)
		if sc.Scan() {
			password = sc.Text()
		}
		if sc.Scan() {
			totp = sc.Text()
		}
		if err := sc.Err(); err != nil {
			return "", "", fmt.Errorf("read stdin: %w", err)
		}
	}
	password, totp = strings.TrimRight(password, "\r"), strings.TrimSpace(totp)
	if password == "" {
		return "", "", usageError{errors.New("no password given on stdin")}
	}
	return password, totp, nil
}
