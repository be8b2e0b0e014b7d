package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/bundle"
	"github.com/spf13/cobra"
)

func newEvidenceCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Export and verify evidence bundles",
		Long: `evidence exports what an auditor needs about one work item, or about everything
since a date, as a bundle (a directory or a .tar.gz): manifest (sha256 of every
file), screenshots, item history, human tasks, audit entries and the chain
proof. verify checks a bundle offline, without a database.`,
		Example: "  docket evidence export --item 42 --out item-42.tar.gz\n  docket evidence verify item-42.tar.gz",
	}
	cmd.AddCommand(newEvidenceExportCmd(cfg, stdout), newEvidenceVerifyCmd(cfg, stdout))
	return cmd
}

func newEvidenceExportCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	var item, since, out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the evidence bundle of one item (--item) or of everything since a date (--since)",
		Long: `export writes a bundle to --out: a directory (created, must be empty) or, for a
name ending in .tar.gz, an archive. --item takes an item id or PORTAL/EXTERNAL_ID;
--since takes YYYY-MM-DD (UTC) or an RFC 3339 time. It prints the manifest's
sha256: keep it to compare with what verify prints later.`,
		Example: "  docket evidence export --item 42 --out item-42.tar.gz\n" +
			"  docket evidence export --item coding-worklist/A100234 --out A100234\n" +
			"  docket evidence export --since 2026-11-01 --out november.tar.gz",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (item == "") == (since == "") || out == "" {
				return usageError{errors.New("give --out and exactly one of --item and --since")}
			}
			var scope bundle.Scope
			if since != "" {
				t, err := parseSince(since)
				if err != nil {
					return usageError{err}
				}
				scope.Since = t
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
			if item != "" {
				id, err := resolveItem(cmd, st, item)
				if err != nil {
					return err
				}
				scope.ItemID = id
			}
			ev, err := a.openEvidence(ctx, st)
			if err != nil {
				return err
			}
			signing, err := a.bundleSigning(st, ev)
			if err != nil {
				return err
			}
			m, err := bundle.Export(ctx, bundle.Source{Store: st, Evidence: ev, Signing: signing}, scope, out, time.Now())
			if err != nil {
				return err
			}
			rep, err := bundle.Verify(out, bundle.VerifyOptions{VerifierKey: signing.VerifierKey})
			if err != nil {
				return fmt.Errorf("the bundle just written does not verify: %w", err)
			}
			fmt.Fprintf(stdout, "wrote %s: %d files, %d audit entries, %d evidence records, %d artefacts\nmanifest sha256 %s\n",
				out, len(m.Files)+1, rep.AuditEntries, rep.EvidenceRecords, rep.Artefacts, rep.ManifestSHA256)
			return nil
		},
	}
	cmd.Flags().StringVar(&item, "item", "", "item id, or PORTAL/EXTERNAL_ID")
	cmd.Flags().StringVar(&since, "since", "", "everything recorded since this date (YYYY-MM-DD, UTC) or RFC 3339 time")
	cmd.Flags().StringVar(&out, "out", "", "bundle directory, or a path ending in .tar.gz")
	return cmd
}

func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want YYYY-MM-DD or an RFC 3339 time", s)
}

func resolveItem(cmd *cobra.Command, st orchestrator.Store, ref string) (int64, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	portal, ext, ok := strings.Cut(ref, "/")
	if !ok || portal == "" || ext == "" {
		return 0, usageError{fmt.Errorf("--item %q: want an item id or PORTAL/EXTERNAL_ID", ref)}
	}
	it, err := st.ItemByRef(cmd.Context(), portal, ext)
	if err != nil {
		return 0, err
	}
	return it.ID, nil
}

func newEvidenceVerifyCmd(cfg *Config, stdout io.Writer) *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Check an evidence bundle offline; exit 1 on the first problem",
		Long: `verify needs no database: it checks the manifest's signature (manifest.sig) and
recomputes the sha256 of every file against the manifest (nothing missing,
nothing added), every link and hash of the audit and evidence chain segments,
every screenshot against its evidence record, every item lifecycle change
against its audit entry, every audit entry, history entry and evidence record
against its inclusion proof in the signed ledger checkpoint (ledger.json), and
every item's data against its last history entry. Give the ledger's public key
with --key (or ledger_verifier_key) so a bundle re-signed with another key
fails too. It names the first file and
record that do not hold. Compare the printed manifest sha256 and chain heads
with the ones printed at export and by docket audit verify.`,
		Example: "  docket evidence verify item-42.tar.gz",
		Args:    exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if key == "" {
				a, err := newApp(*cfg, stdout)
				if err != nil {
					return err
				}
				defer a.close()
				if key, err = a.ledgerVerifierKey(); err != nil {
					return err
				}
			}
			rep, err := bundle.Verify(args[0], bundle.VerifyOptions{VerifierKey: key})
			if err != nil {
				return fmt.Errorf("bundle %s is NOT intact: %w", args[0], err)
			}
			fmt.Fprintf(stdout, "bundle %s intact: %d files, %d audit entries (%d to %d), %d evidence records, %d artefacts, %d history entries matched\n",
				orchestrator.EscapeText(args[0]), rep.Files+1, rep.AuditEntries, rep.Chain.Audit.First, rep.Chain.Audit.Last, rep.EvidenceRecords, rep.Artefacts, rep.HistoryChecked)
			fmt.Fprintf(stdout, "manifest sha256 %s\naudit head at export %d:%s\nevidence head at export %d:%s\n",
				rep.ManifestSHA256, rep.Chain.Audit.Head, orchestrator.EscapeText(rep.Chain.Audit.HeadHash),
				rep.Chain.Evidence.Head, orchestrator.EscapeText(rep.Chain.Evidence.HeadHash))
			pinned := "the expected key"
			if !rep.KeyPinned {
				pinned = "the key the bundle carries (not pinned: pass --key or set ledger_verifier_key to rule out a re-signed bundle)"
			}
			fmt.Fprintf(stdout, "%d records proven in the signed ledger checkpoint of %d records, %d items match their history; signed by %s, %s\n",
				rep.Proofs, rep.Checkpoint.N, rep.Items, orchestrator.EscapeText(rep.Key), pinned) // a bundle's own words
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "the ledger's public key (second line of the ledger key file) the bundle must be signed with; default ledger_verifier_key or the key file's")
	return cmd
}
