package orchestrator

import "errors"

// Sentinel errors callers branch on. Adapters translate their library
// errors into these at the boundary.
var (
	// ErrNotFound reports that the requested record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports a lost optimistic-concurrency race or a duplicate.
	ErrConflict = errors.New("conflict")
	// ErrInvalid reports input that fails validation.
	ErrInvalid = errors.New("invalid")
)
