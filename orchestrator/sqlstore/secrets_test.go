package sqlstore

import (
	"bytes"
	"testing"

	"github.com/docket-rpa/docket/orchestrator"
)

func testSecrets(t *testing.T, s *Store) {
	ctx := ctxT(t)
	_, err := s.Secret(ctx, "portal:x")
	wantErr(t, err, orchestrator.ErrNotFound)
	wantErr(t, s.PutSecret(ctx, "", []byte{1}, t0), orchestrator.ErrInvalid)

	if err := s.PutSecret(ctx, "portal:x", []byte{0, 1, 2, 255}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSecret(ctx, "portal:x", []byte{9, 8, 7}, t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.Secret(ctx, "portal:x")
	if err != nil || !bytes.Equal(got, []byte{9, 8, 7}) {
		t.Fatalf("secret = %v, %v; want the replaced bytes", got, err)
	}
}
