package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

func newMigrateCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations",
		Long: `migrate applies the embedded schema migrations to the configured database
(SQLite by default, PostgreSQL for a postgres:// URL). Every other command also
migrates on start; migrating twice is harmless.`,
		Example: "  docket migrate --database-url postgres://docket@127.0.0.1:5432/docket",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := newApp(*cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			st, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			applied, err := st.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintln(stdout, "database is up to date")
				return nil
			}
			fmt.Fprintf(stdout, "applied migrations: %s\n", strings.Join(applied, ", "))
			return nil
		},
	}
}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print Docket's version",
		Example: "  docket version",
		Args:    exactArgs(0),
		Run: func(*cobra.Command, []string) {
			fmt.Fprintf(stdout, "docket %s\n", Version)
		},
	}
}
