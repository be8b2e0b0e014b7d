package orchestrator_test

import (
	"fmt"

	"github.com/docket-rpa/docket/orchestrator"
)

// An auditor recomputes the QA sample from the seed and the item keys of
// an export: the same inputs always draw the same items.
func ExampleSampled() {
	n := 0
	for i := range 1000 {
		if orchestrator.Sampled("2026-Q4", fmt.Sprintf("coding-worklist/A%06d", i), 0.05) {
			n++
		}
	}
	first := orchestrator.Sampled("2026-Q4", "coding-worklist/A000042", 0.05)
	again := orchestrator.Sampled("2026-Q4", "coding-worklist/A000042", 0.05) == first
	fmt.Println(n > 30 && n < 70, again)
	// Output: true true
}
