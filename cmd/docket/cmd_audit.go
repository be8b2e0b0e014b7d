package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/spf13/cobra"
)

func newAuditCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the hash-chained audit log",
		Long: `audit works on the append-only, hash-chained log of every human and bot action.
Each entry's hash covers its fields and the previous entry's hash, so editing,
removing or reordering any entry breaks the chain from that entry on.`,
		Example: "  docket audit verify\n  docket audit verify --expect-head 1842:9f2c…",
	}
	cmd.AddCommand(newAuditVerifyCmd(cfg, stdout))
	return cmd
}

func newAuditVerifyCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	var expect string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute every audit entry's hash and link; exit 1 on the first broken one",
		Long: `verify walks the audit log from its first entry, recomputes each entry's hash
from its fields and the previous hash, and stops at the first entry that was
edited, removed, inserted or reordered, naming it (exit code 1). It prints the
head (last sequence number and hash): keep it, and pass it back with
--expect-head to also catch entries removed from the end of the log.`,
		Example: "  docket audit verify\n  docket audit verify --expect-head 1842:9f2c0c…",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var wantSeq int64
			var wantHash string
			if expect != "" {
				seq, hash, ok := strings.Cut(expect, ":")
				n, err := strconv.ParseInt(seq, 10, 64)
				if !ok || err != nil || n <= 0 || hash == "" {
					return usageError{fmt.Errorf("--expect-head %q: want SEQ:HASH as printed by a previous verify", expect)}
				}
				wantSeq, wantHash = n, hash
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
			rep, err := orchestrator.VerifyAuditLog(cmd.Context(), st)
			if err != nil {
				return fmt.Errorf("audit log is NOT intact after %d entries: %w", rep.Entries, err)
			}
			if wantSeq > 0 {
				head, err := st.AuditLog(cmd.Context(), wantSeq-1, 1)
				switch {
				case err != nil:
					return err
				case len(head) == 0:
					return fmt.Errorf("audit log is NOT intact: expected head %d is gone (the log ends at %d: entries removed from the end)", wantSeq, rep.Head.Seq)
				case head[0].Hash != wantHash:
					return fmt.Errorf("audit log is NOT intact: entry %d hashes to %s, not the expected %s", wantSeq, head[0].Hash, wantHash)
				}
			}
			if rep.Entries == 0 {
				fmt.Fprintln(stdout, "audit log is empty")
				return nil
			}
			fmt.Fprintf(stdout, "audit log intact: %d entries, head %d:%s (%s)\n",
				rep.Entries, rep.Head.Seq, rep.Head.Hash, rep.Head.At.UTC().Format("2006-01-02T15:04:05Z"))
			return nil
		},
	}
	cmd.Flags().StringVar(&expect, "expect-head", "", "SEQ:HASH of a head recorded earlier, to detect entries removed from the end")
	return cmd
}
