// Package storetest holds what tests of several packages do with an
// orchestrator.Store. Only tests import it.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
)

// WaitRun polls st until run id has ended and returns it; the test fails
// when it has not within the given time.
func WaitRun(t testing.TB, st orchestrator.Store, id string, within time.Duration) orchestrator.Run {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		run, err := st.Run(context.Background(), id)
		if err == nil && run.Status.Done() {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s did not end within %s: %+v (err %v)", id, within, run, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
