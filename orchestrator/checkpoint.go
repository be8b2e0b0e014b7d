package orchestrator

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// checkpointOrigin is the first line of every checkpoint text, so a note
// signed for something else never reads as a checkpoint.
const checkpointOrigin = "docket ledger"

// SignCheckpoint signs the tree as a checkpoint note: "docket ledger",
// the size and the base64 root hash, one per line, then the signature.
func SignCheckpoint(s note.Signer, t tlog.Tree) ([]byte, error) {
	text := fmt.Sprintf("%s\n%d\n%s\n", checkpointOrigin, t.N, base64.StdEncoding.EncodeToString(t.Hash[:]))
	msg, err := note.Sign(&note.Note{Text: text}, s)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: sign checkpoint: %w", err)
	}
	return msg, nil
}

// OpenCheckpoint checks a checkpoint's signature with v and returns the
// tree it fixes.
func OpenCheckpoint(msg []byte, v note.Verifier) (tlog.Tree, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("orchestrator: checkpoint: %w", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) != 4 || lines[0] != checkpointOrigin || lines[3] != "" {
		return tlog.Tree{}, fmt.Errorf("orchestrator: checkpoint: %w: not a docket ledger checkpoint", ErrInvalid)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return tlog.Tree{}, fmt.Errorf("orchestrator: checkpoint: %w: size %q", ErrInvalid, lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return tlog.Tree{}, fmt.Errorf("orchestrator: checkpoint: %w: root hash %q", ErrInvalid, lines[2])
	}
	t := tlog.Tree{N: size}
	copy(t.Hash[:], raw)
	return t, nil
}

// SignManifest signs a bundle manifest's sha256 (hex) with the ledger key.
func SignManifest(s note.Signer, manifestSHA256 string) ([]byte, error) {
	msg, err := note.Sign(&note.Note{Text: "docket evidence bundle\nmanifest sha256 " + manifestSHA256 + "\n"}, s)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: sign manifest: %w", err)
	}
	return msg, nil
}

// OpenManifestSignature checks a manifest signature with v and returns
// the manifest sha256 (hex) it vouches for.
func OpenManifestSignature(msg []byte, v note.Verifier) (string, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return "", fmt.Errorf("orchestrator: manifest signature: %w", err)
	}
	sha, ok := strings.CutPrefix(n.Text, "docket evidence bundle\nmanifest sha256 ")
	if !ok || !strings.HasSuffix(sha, "\n") {
		return "", fmt.Errorf("orchestrator: manifest signature: %w: not a docket bundle signature", ErrInvalid)
	}
	return strings.TrimSuffix(sha, "\n"), nil
}
