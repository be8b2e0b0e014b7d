package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func newAuditCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the audit log and the ledger over every record",
		Long: `audit works on the append-only, hash-chained log of every human and bot action,
and on the ledger: one Merkle tree over every audit entry, item history entry
and evidence record, whose checkpoints are signed by a key kept outside the
database and written to the evidence store.`,
		Example: "  docket audit verify\n  docket audit checkpoint",
	}
	cmd.AddCommand(newAuditVerifyCmd(cfg, stdout), newAuditCheckpointCmd(cfg, stdout), newAuditKeygenCmd(stdout))
	return cmd
}

func newAuditVerifyCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	var (
		expect  string
		content bool
	)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit chain, every record against the ledger, and the ledger against its latest signed checkpoint; exit 1 on the first problem",
		Long: `verify walks the audit log from its first entry and recomputes each entry's
chain hash; then it recomputes every ledger leaf from the record it names
(audit entry, item history entry, evidence record), rebuilds the Merkle tree
and checks it against the latest signed checkpoint in the evidence store
(checked with ledger_verifier_key, or the ledger key file's public key): an
edited, deleted, truncated or re-hashed record before that checkpoint fails,
as does a record missing from the ledger, or an item whose data is not the
state its last history entry logged. It prints one line naming what failed
and where (exit code 1). --content also reads every evidence artefact from
the evidence store and checks it against its record's sha256. --expect-head
SEQ:HASH also compares the audit head with one recorded earlier.`,
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
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			verifier, err := a.ledgerVerifier()
			if err != nil {
				return err
			}
			ev, err := a.openEvidence(ctx, st)
			if err != nil {
				return err
			}
			rep, err := orchestrator.VerifyAuditLog(ctx, st)
			if err != nil {
				return fmt.Errorf("audit log is NOT intact after %d entries: %w", rep.Entries, err)
			}
			cp, _, err := orchestrator.Latest(ctx, ev, verifier)
			if errors.Is(err, orchestrator.ErrNotFound) {
				tree, terr := st.LedgerTree(ctx)
				if terr != nil {
					return terr
				}
				if tree.N > 0 {
					return fmt.Errorf("ledger is NOT verifiable: it holds %d records but the evidence store has no signed checkpoint (deleted, or no serve, worker or demo has run: docket audit checkpoint signs one)", tree.N)
				}
				cp, err = tlog.Tree{}, nil
			}
			if err != nil {
				return fmt.Errorf("ledger checkpoint is NOT valid: %w", err)
			}
			lrep, err := orchestrator.VerifyLedger(ctx, st, cp)
			if err != nil {
				return fmt.Errorf("ledger is NOT intact (checkpoint of %d records): %w", cp.N, err)
			}
			if content {
				if err := ev.Verify(ctx); err != nil {
					return fmt.Errorf("evidence content is NOT intact: %w", err)
				}
			}
			if wantSeq > 0 {
				head, err := st.AuditLog(ctx, wantSeq-1, 1)
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
			} else {
				fmt.Fprintf(stdout, "audit log intact: %d entries, head %d:%s (%s)\n",
					rep.Entries, rep.Head.Seq, rep.Head.Hash, rep.Head.At.UTC().Format("2006-01-02T15:04:05Z"))
			}
			fmt.Fprintf(stdout, "ledger intact: %d records, %d items match their logged state; signed checkpoint covers %d records (key %s+%08x)\n",
				lrep.Tree.N, lrep.Items, cp.N, verifier.Name(), verifier.KeyHash())
			return nil
		},
	}
	cmd.Flags().StringVar(&expect, "expect-head", "", "SEQ:HASH of an audit head recorded earlier")
	cmd.Flags().BoolVar(&content, "content", false, "also check every evidence artefact in the evidence store against its record")
	return cmd
}

func newAuditCheckpointCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "checkpoint",
		Short: "Sign the ledger's current tree and write the checkpoint to the evidence store",
		Long: `checkpoint does now what serve, worker and demo do every minute: it checks that
the ledger still extends the latest checkpoint in the evidence store (refusing
to sign a database whose logged records were rewritten or cut short), signs
the current tree with the ledger key (ledger_key_file, created if missing) and
writes the checkpoint to the evidence store.`,
		Example: "  docket audit checkpoint",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := newApp(*cfg, stdout)
			if err != nil {
				return err
			}
			defer a.close()
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			ev, err := a.openEvidence(ctx, st)
			if err != nil {
				return err
			}
			c, err := a.checkpointer(st, ev)
			if err != nil {
				return err
			}
			tree, _, err := c.Checkpoint(ctx)
			if err != nil {
				return fmt.Errorf("ledger NOT checkpointed: %w", err)
			}
			fmt.Fprintf(stdout, "ledger checkpoint: %d records, root %x\n", tree.N, tree.Hash[:])
			return nil
		},
	}
}

func newAuditKeygenCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "keygen",
		Short: "Print a new ledger signing key and its public key",
		Long: `keygen prints a new ed25519 key for signing ledger checkpoints (give it to every
serve, worker and demo process as DOCKET_LEDGER_KEY, or as the first line of
ledger_key_file) and its public key (ledger_verifier_key, for machines and
auditors that only verify). Keep the signing key where database writers cannot
read it.`,
		Example: "  docket audit keygen",
		Args:    exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			skey, vkey, err := note.GenerateKey(rand.Reader, ledgerKeyName)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "ledger_key: %s\nledger_verifier_key: %s\n", skey, vkey)
			return nil
		},
	}
}
