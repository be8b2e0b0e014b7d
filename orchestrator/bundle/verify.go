package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/mod/sumdb/tlog"
)

// Problem is the first thing wrong with a bundle.
type Problem struct {
	File string // the file at fault
	Msg  string
}

func (p *Problem) Error() string { return fmt.Sprintf("bundle: %s: %s", p.File, p.Msg) }

// Is makes a Problem match orchestrator.ErrInvalid.
func (p *Problem) Is(target error) bool { return target == orchestrator.ErrInvalid }

// Report is what Verify checked.
type Report struct {
	Manifest        Manifest
	ManifestSHA256  string // compare with the value printed at export
	Files           int
	AuditEntries    int
	EvidenceRecords int
	Artefacts       int
	HistoryChecked  int
	Chain           Chain
	Checkpoint      tlog.Tree // the signed checkpoint the records are proven against
	Key             string    // the key that signed it, as name+hash
	KeyPinned       bool      // the key was the one VerifyOptions expected
	Proofs          int       // records proven in the checkpoint's tree
	Items           int       // items whose data matched their last history entry
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// VerifierKey is the ledger's public key (sumdb note verifier key) the
	// bundle must be signed with. Empty trusts the key the bundle carries,
	// which proves only that nobody without that key changed the bundle
	// after export: pin the organisation's key to rule out a bundle
	// re-signed with another one.
	VerifierKey string
}

// bundleFile is one file read from a bundle: its hash and size, and its
// bytes for the JSON files Verify parses.
type bundleFile struct {
	sha  string
	size int64
	data []byte
}

// Verify checks the bundle at path (a directory or a .tar.gz) without a
// database: every file against the manifest (nothing missing, nothing
// extra), both chain segments link by link and record by record, every
// artefact against its record's sha256 and size, and every lifecycle
// history entry against its audit entry. An edited, removed, added or
// reordered file or record is a *Problem naming it.
func Verify(p string, opts VerifyOptions) (Report, error) {
	var rep Report
	files, err := readBundle(p)
	if err != nil {
		return rep, err
	}
	man, ok := files[FileManifest]
	if !ok {
		return rep, &Problem{FileManifest, "missing"}
	}
	rep.ManifestSHA256 = man.sha
	if err := json.Unmarshal(man.data, &rep.Manifest); err != nil {
		return rep, &Problem{FileManifest, "not JSON: " + err.Error()}
	}
	if rep.Manifest.Format != Format {
		return rep, &Problem{FileManifest, fmt.Sprintf("format %q, want %q", rep.Manifest.Format, Format)}
	}
	ledger, verifier, err := checkSignature(&rep, files, man.sha, opts)
	if err != nil {
		return rep, err
	}
	if err := checkManifest(rep.Manifest, files); err != nil {
		return rep, err
	}
	rep.Files = len(rep.Manifest.Files)
	var (
		audit    []AuditEntry
		evidence []Evidence
		history  []History
		items    []orchestrator.WorkItem
	)
	for name, v := range map[string]any{FileChain: &rep.Chain, FileAudit: &audit, FileEvidence: &evidence, FileHistory: &history, FileItems: &items} {
		if err := json.Unmarshal(files[name].data, v); err != nil {
			return rep, &Problem{name, "not JSON: " + err.Error()}
		}
	}
	if err := checkAudit(rep.Chain.Audit, audit); err != nil {
		return rep, err
	}
	rep.AuditEntries = len(audit)
	if err := checkEvidence(rep.Chain.Evidence, evidence, files); err != nil {
		return rep, err
	}
	rep.EvidenceRecords = len(evidence)
	for _, e := range evidence {
		if e.File != "" {
			rep.Artefacts++
		}
	}
	n, err := checkHistory(rep.Manifest.Scope, history, audit)
	rep.HistoryChecked = n
	if err != nil {
		return rep, err
	}
	if rep.Checkpoint, err = orchestrator.OpenCheckpoint([]byte(ledger.Checkpoint), verifier); err != nil {
		return rep, &Problem{FileLedger, err.Error()}
	}
	if rep.Proofs, err = checkProofs(rep.Checkpoint, ledger, audit, evidence, history); err != nil {
		return rep, err
	}
	rep.Items, err = checkItems(items, history)
	return rep, err
}

func checkManifest(m Manifest, files map[string]bundleFile) error {
	listed := map[string]bool{}
	for _, f := range m.Files {
		got, ok := files[f.Path]
		switch {
		case listed[f.Path]:
			return &Problem{FileManifest, fmt.Sprintf("%s is listed twice", f.Path)}
		case !ok:
			return &Problem{f.Path, "listed in the manifest but missing (removed)"}
		case got.sha != f.SHA256 || got.size != f.Size:
			return &Problem{f.Path, fmt.Sprintf("sha256 %s (%d bytes) does not match the manifest's %s (%d bytes): edited", got.sha, got.size, f.SHA256, f.Size)}
		}
		listed[f.Path] = true
	}
	for name := range files {
		if name != FileManifest && name != FileSignature && !listed[name] {
			return &Problem{name, "not in the manifest (added)"}
		}
	}
	for _, need := range []string{FileChain, FileAudit, FileEvidence, FileItems, FileHistory, FileTasks, FileLedger} {
		if !listed[need] {
			return &Problem{need, "missing from the manifest"}
		}
	}
	return nil
}

func checkAudit(seg Segment, entries []AuditEntry) error {
	if len(entries) == 0 {
		if len(seg.InScope) > 0 {
			return &Problem{FileAudit, "empty, but chain.json lists entries in scope"}
		}
		return nil
	}
	recs := make([]orchestrator.AuditEntry, len(entries))
	for i, e := range entries {
		recs[i] = e.domain()
	}
	if err := checkSegment(FileAudit, seg, recs[0].Seq, recs[len(recs)-1].Seq, recs[len(recs)-1].Hash); err != nil {
		return err
	}
	if err := orchestrator.VerifyAuditChain(recs, seg.PrevHash); err != nil {
		return &Problem{FileAudit, err.Error()}
	}
	return inSegment(FileAudit, seg, func(id int64) bool { return id >= recs[0].Seq && id <= recs[len(recs)-1].Seq })
}

func checkEvidence(seg Segment, records []Evidence, files map[string]bundleFile) error {
	referenced := map[string]bool{}
	for _, r := range records {
		if r.File == "" {
			continue
		}
		f, ok := files[r.File]
		switch {
		case !ok:
			return &Problem{r.File, fmt.Sprintf("content of evidence record %d is missing", r.ID)}
		case f.sha != r.SHA256:
			return &Problem{r.File, fmt.Sprintf("content hashes to %s, but evidence record %d says %s: edited", f.sha, r.ID, r.SHA256)}
		case f.size != r.Size:
			return &Problem{r.File, fmt.Sprintf("%d bytes, evidence record %d says %d", f.size, r.ID, r.Size)}
		}
		referenced[r.File] = true
	}
	for name := range files {
		if strings.HasPrefix(name, DirContent) && !referenced[name] {
			return &Problem{name, "no evidence record refers to it"}
		}
	}
	if len(records) == 0 {
		if len(seg.InScope) > 0 {
			return &Problem{FileEvidence, "empty, but chain.json lists records in scope"}
		}
		return nil
	}
	recs := make([]orchestrator.Evidence, len(records))
	for i, r := range records {
		recs[i] = r.domain()
	}
	if err := checkSegment(FileEvidence, seg, recs[0].ID, recs[len(recs)-1].ID, recs[len(recs)-1].Hash); err != nil {
		return err
	}
	if err := orchestrator.VerifyEvidenceChain(recs, seg.PrevHash); err != nil {
		return &Problem{FileEvidence, err.Error()}
	}
	return inSegment(FileEvidence, seg, func(id int64) bool { return id >= recs[0].ID && id <= recs[len(recs)-1].ID })
}

func checkSegment(file string, seg Segment, first, last int64, lastHash string) error {
	switch {
	case first != seg.First || last != seg.Last:
		return &Problem{file, fmt.Sprintf("holds records %d to %d, chain.json says %d to %d", first, last, seg.First, seg.Last)}
	case lastHash != seg.LastHash:
		return &Problem{file, fmt.Sprintf("last record's hash %s, chain.json says %s", lastHash, seg.LastHash)}
	case first == 1 && seg.PrevHash != "":
		return &Problem{file, "the chain's first record must link to nothing"}
	case seg.Last > seg.Head:
		return &Problem{FileChain, fmt.Sprintf("%s segment ends at %d, after the head %d", file, seg.Last, seg.Head)}
	case seg.Last == seg.Head && seg.HeadHash != seg.LastHash:
		return &Problem{FileChain, fmt.Sprintf("%s head hash does not match its last record", file)}
	}
	return nil
}

func inSegment(file string, seg Segment, within func(int64) bool) error {
	for _, id := range seg.InScope {
		if !within(id) {
			return &Problem{file, fmt.Sprintf("record %d in scope is not in the segment", id)}
		}
	}
	return nil
}

// checkHistory matches every lifecycle change and task step in the item
// history with its audit entry (same time, actor, action and item; a task
// step's entry is on one of the item's tasks), so an edited history entry
// shows even though history is not chained itself. Entries older than the
// audit segment are not checked (a since-bundle starts mid-history).
func checkHistory(scope Scope, history []History, audit []AuditEntry) (int, error) {
	type key struct {
		subject, actor, action string
		at                     int64
	}
	have := map[key]bool{}
	for _, a := range audit {
		have[key{a.Subject, a.Actor, a.Action, a.At.UnixMicro()}] = true
		if item, _, ok := strings.Cut(a.Subject, "/task:"); ok {
			have[key{item + "/task", a.Actor, a.Action, a.At.UnixMicro()}] = true
		}
	}
	n := 0
	for _, h := range history {
		if h.Action == orchestrator.ActionCreated || h.Action == orchestrator.ActionUpdated {
			continue // bot observations are on the chain per run, not per item
		}
		if scope.ItemID == 0 && (len(audit) == 0 || h.At.Before(audit[0].At)) {
			continue
		}
		k := key{orchestrator.AuditSubjectItem(h.ItemID), h.Actor, "item." + h.Action, h.At.UnixMicro()}
		if strings.HasPrefix(h.Action, "task.") {
			k = key{orchestrator.AuditSubjectItem(h.ItemID) + "/task", h.Actor, h.Action, h.At.UnixMicro()}
		}
		if !have[k] {
			return n, &Problem{FileHistory, fmt.Sprintf("entry %d (item %d %s by %s at %s) has no matching audit entry: edited or added",
				h.ID, h.ItemID, h.Action, h.Actor, h.At.Format("2006-01-02T15:04:05.000000Z07:00"))}
		}
		n++
	}
	return n, nil
}

// keepBytes says which files Verify keeps the bytes of: the JSON ones and
// the signature.
func keepBytes(name string) bool {
	return name == FileSignature || strings.HasSuffix(name, ".json") && !strings.Contains(name, "/")
}

func readBundle(p string) (map[string]bundleFile, error) {
	files := map[string]bundleFile{}
	add := func(name string, r io.Reader) error {
		name = path.Clean(strings.TrimPrefix(filepath.ToSlash(name), "./"))
		if name == "." || strings.HasPrefix(name, "../") || path.IsAbs(name) {
			return &Problem{name, "path leaves the bundle"}
		}
		if _, dup := files[name]; dup {
			return &Problem{name, "appears twice"}
		}
		h := sha256.New()
		var buf bytes.Buffer
		w := io.Writer(h)
		if keepBytes(name) {
			w = io.MultiWriter(h, &buf)
		}
		n, err := io.Copy(w, r)
		if err != nil {
			return fmt.Errorf("bundle: read %s: %w", name, err)
		}
		files[name] = bundleFile{sha: hex.EncodeToString(h.Sum(nil)), size: n, data: buf.Bytes()}
		return nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if st.IsDir() {
		err := filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(p, fp)
			if err != nil {
				return err
			}
			f, err := os.Open(fp)
			if err != nil {
				return err
			}
			defer f.Close()
			return add(rel, f)
		})
		return files, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("bundle: %s is neither a directory nor a .tar.gz: %w", p, err)
	}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("bundle: read %s: %w", p, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if err := add(hdr.Name, tr); err != nil {
			return nil, err
		}
	}
}
