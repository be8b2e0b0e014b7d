package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// pageSize is how many chain records are read at a time.
const pageSize = 1000

// Source is what an export reads: the system of record, evidence content,
// and the ledger with its signing key.
type Source struct {
	Store    orchestrator.Store
	Evidence orchestrator.EvidenceStore
	Signing  Signing
}

// Export writes the bundle for scope to path (a directory, or a .tar.gz)
// and returns its manifest. For an item it holds the item, its history and
// tasks, the audit entries about it and the evidence of the runs that
// touched it, each chain as a contiguous segment so every link can be
// checked. For a time it holds everything recorded since then, with the
// items the audit entries name.
func Export(ctx context.Context, src Source, scope Scope, path string, now time.Time) (Manifest, error) {
	if (scope.ItemID == 0) == scope.Since.IsZero() {
		return Manifest{}, fmt.Errorf("bundle: %w: export one item or everything since a time", orchestrator.ErrInvalid)
	}
	if err := src.Signing.validate(); err != nil {
		return Manifest{}, err
	}
	b := &builder{files: map[string][]byte{}}
	b.init(src)
	var err error
	if scope.ItemID != 0 {
		err = b.item(ctx, scope.ItemID)
	} else {
		err = b.since(ctx, scope.Since)
	}
	if err != nil {
		return Manifest{}, err
	}
	if err := b.finish(ctx); err != nil {
		return Manifest{}, err
	}
	out, err := newSink(path, now)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Format: Format, CreatedAt: now.UTC(), Scope: scope}
	names := make([]string, 0, len(b.files))
	for n := range b.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data := b.files[n]
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, FileEntry{Path: n, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
		if err := out.put(n, data); err != nil {
			return m, errors.Join(err, out.close())
		}
	}
	enc, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, errors.Join(err, out.close())
	}
	if err := out.put(FileManifest, enc); err != nil {
		return m, errors.Join(err, out.close())
	}
	sum := sha256.Sum256(enc)
	sig, err := orchestrator.SignManifest(src.Signing.Signer, hex.EncodeToString(sum[:]))
	if err != nil {
		return m, errors.Join(err, out.close())
	}
	if err := out.put(FileSignature, sig); err != nil {
		return m, errors.Join(err, out.close())
	}
	return m, out.close()
}

type builder struct {
	signing  Signing
	src      orchestrator.Store
	evsrc    orchestrator.EvidenceStore
	files    map[string][]byte
	items    []orchestrator.WorkItem
	history  []History
	tasks    []Task
	audit    []orchestrator.AuditEntry // in scope
	evidence []orchestrator.Evidence   // in scope
}

func (b *builder) init(src Source) { b.src, b.evsrc, b.signing = src.Store, src.Evidence, src.Signing }

func (b *builder) item(ctx context.Context, id int64) error {
	if err := b.addItem(ctx, id); err != nil {
		return err
	}
	it := b.items[0]
	audit, err := b.src.AuditFor(ctx, orchestrator.AuditSubjectItem(id), time.Time{}, 1_000_000)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	runs := map[string]bool{it.FirstRunID: true, it.LastRunID: true}
	for _, h := range b.history {
		if r, ok := strings.CutPrefix(h.Actor, "run:"); ok {
			runs[r] = true
		}
	}
	for _, t := range b.tasks {
		if t.Task.WriteBackRunID != "" {
			runs[t.Task.WriteBackRunID] = true
		}
	}
	var runIDs []string
	for r := range runs {
		if r != "" {
			runIDs = append(runIDs, r)
		}
	}
	sort.Strings(runIDs)
	// The runs' own entries (finished, upserted) say which bot acted.
	for _, r := range runIDs {
		more, err := b.src.AuditFor(ctx, "run:"+r, time.Time{}, 1_000_000)
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		audit = append(audit, more...)
	}
	b.audit = audit
	ev, err := b.src.EvidenceFor(ctx, it.ExternalID, runIDs)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	writeBacks := map[string]bool{}
	for _, t := range b.tasks {
		writeBacks[t.Task.WriteBackRunID] = true
	}
	// A run's captures of other accounts stay out (they are other
	// patients'); its pages about no account in particular and the item's
	// write-backs come in.
	for _, e := range ev {
		if e.ItemRef == it.ExternalID || e.ItemRef == "" || writeBacks[e.RunID] {
			b.evidence = append(b.evidence, e)
		}
	}
	return nil
}

func (b *builder) addItem(ctx context.Context, id int64) error {
	it, err := b.src.Item(ctx, id)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	b.items = append(b.items, it)
	hist, err := b.src.History(ctx, id)
	if err != nil && !errors.Is(err, orchestrator.ErrNotFound) {
		return fmt.Errorf("bundle: %w", err)
	}
	for _, h := range hist {
		b.history = append(b.history, History{h.ID, h.ItemID, h.At.UTC(), h.Actor, h.Action, h.Reason, h.Changes, h.DataHash})
	}
	tasks, err := b.src.Tasks(ctx, orchestrator.TaskFilter{ItemID: id, Limit: 10_000})
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	for _, t := range tasks {
		cs, err := b.src.Comments(ctx, t.ID)
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		b.tasks = append(b.tasks, Task{Task: t, Comments: cs})
	}
	return nil
}

func (b *builder) since(ctx context.Context, since time.Time) error {
	audit, err := b.src.AuditFor(ctx, "", since, 1_000_000)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	b.audit = audit
	ev, err := b.src.EvidenceSince(ctx, since, 1_000_000)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	b.evidence = ev
	seen := map[int64]bool{}
	for _, a := range audit {
		id := subjectItem(a.Subject)
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		if err := b.addItem(ctx, id); err != nil && !errors.Is(err, orchestrator.ErrNotFound) {
			return err
		}
	}
	return nil
}

// subjectItem is the item id an audit subject names ("item:42/task:7" →
// 42), or 0.
func subjectItem(s string) int64 {
	rest, ok := strings.CutPrefix(s, "item:")
	if !ok {
		return 0
	}
	rest, _, _ = strings.Cut(rest, "/")
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// finish reads the contiguous chain segments around what is in scope, the
// evidence content, and encodes every file.
func (b *builder) finish(ctx context.Context) error {
	var chain Chain
	auditSeg, err := b.auditSegment(ctx, &chain.Audit)
	if err != nil {
		return err
	}
	evSeg, err := b.evidenceSegment(ctx, &chain.Evidence)
	if err != nil {
		return err
	}
	inScope := map[int64]bool{}
	for _, e := range b.evidence {
		inScope[e.ID] = true
	}
	records := make([]Evidence, 0, len(evSeg))
	for _, e := range evSeg {
		r := fromEvidence(e)
		if inScope[e.ID] {
			content, err := b.evsrc.Open(ctx, e)
			if err != nil {
				return fmt.Errorf("bundle: evidence %d: %w", e.ID, err)
			}
			r.File = DirContent + e.SHA256 + extension(e.MediaType)
			b.files[r.File] = content
		}
		records = append(records, r)
	}
	entries := make([]AuditEntry, 0, len(auditSeg))
	var leaves []orchestrator.LedgerLeaf
	for _, a := range auditSeg {
		entries = append(entries, fromAudit(a))
		leaves = append(leaves, orchestrator.LedgerLeaf{Kind: orchestrator.LeafAudit, Ref: a.Seq})
	}
	for _, e := range evSeg {
		leaves = append(leaves, orchestrator.LedgerLeaf{Kind: orchestrator.LeafEvidence, Ref: e.ID})
	}
	for _, h := range b.history {
		leaves = append(leaves, orchestrator.LedgerLeaf{Kind: orchestrator.LeafHistory, Ref: h.ID})
	}
	// Signed after every record was read, so the checkpoint covers them.
	ledger, err := b.signing.prove(ctx, leaves)
	if err != nil {
		return err
	}
	for name, v := range map[string]any{
		FileChain: chain, FileAudit: entries, FileEvidence: records,
		FileItems: b.items, FileHistory: b.history, FileTasks: b.tasks, FileLedger: ledger,
	} {
		enc, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("bundle: encode %s: %w", name, err)
		}
		b.files[name] = enc
	}
	return nil
}

func extension(mediaType string) string {
	switch mediaType {
	case "image/png":
		return ".png"
	case "text/html":
		return ".html"
	}
	if exts, err := mime.ExtensionsByType(mediaType); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

func (b *builder) auditSegment(ctx context.Context, seg *Segment) ([]orchestrator.AuditEntry, error) {
	head, err := lastAudit(ctx, b.src)
	if err != nil {
		return nil, err
	}
	seg.Head, seg.HeadHash = head.Seq, head.Hash
	if len(b.audit) == 0 {
		return nil, nil
	}
	sort.Slice(b.audit, func(i, j int) bool { return b.audit[i].Seq < b.audit[j].Seq })
	first, last := b.audit[0].Seq, b.audit[len(b.audit)-1].Seq
	var out []orchestrator.AuditEntry
	for after := first - 1; after < last; {
		page, err := b.src.AuditLog(ctx, after, pageSize)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, a := range page {
			if a.Seq <= last {
				out = append(out, a)
			}
		}
		after = page[len(page)-1].Seq
	}
	seg.First, seg.Last = first, last
	if len(out) > 0 {
		seg.PrevHash, seg.LastHash = out[0].PrevHash, out[len(out)-1].Hash
	}
	for _, a := range b.audit {
		if len(seg.InScope) == 0 || seg.InScope[len(seg.InScope)-1] != a.Seq {
			seg.InScope = append(seg.InScope, a.Seq)
		}
	}
	return out, nil
}

func lastAudit(ctx context.Context, st orchestrator.Store) (orchestrator.AuditEntry, error) {
	var last orchestrator.AuditEntry
	for {
		page, err := st.AuditLog(ctx, last.Seq, pageSize)
		if err != nil {
			return last, fmt.Errorf("bundle: %w", err)
		}
		if len(page) == 0 {
			return last, nil
		}
		last = page[len(page)-1]
	}
}

func (b *builder) evidenceSegment(ctx context.Context, seg *Segment) ([]orchestrator.Evidence, error) {
	var head orchestrator.Evidence
	for {
		page, err := b.src.EvidenceChain(ctx, head.ID, pageSize)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if len(page) == 0 {
			break
		}
		head = page[len(page)-1]
	}
	seg.Head, seg.HeadHash = head.ID, head.Hash
	if len(b.evidence) == 0 {
		return nil, nil
	}
	sort.Slice(b.evidence, func(i, j int) bool { return b.evidence[i].ID < b.evidence[j].ID })
	first, last := b.evidence[0].ID, b.evidence[len(b.evidence)-1].ID
	var out []orchestrator.Evidence
	for after := first - 1; after < last; {
		page, err := b.src.EvidenceChain(ctx, after, pageSize)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if e.ID <= last {
				out = append(out, e)
			}
		}
		after = page[len(page)-1].ID
	}
	seg.First, seg.Last = first, last
	if len(out) > 0 {
		seg.PrevHash, seg.LastHash = out[0].PrevHash, out[len(out)-1].Hash
	}
	for _, e := range b.evidence {
		seg.InScope = append(seg.InScope, e.ID)
	}
	return out, nil
}
