package orchestrator

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
)

// Sampled reports whether the item with key (its portal/external id)
// falls in an audit sample of the given rate (0 to 1) under seed. It is a
// pure function of its inputs: an auditor with the seed and the item keys
// recomputes the same sample, and changing the seed draws a fresh one.
func Sampled(seed, key string, rate float64) bool {
	switch {
	case rate <= 0 || math.IsNaN(rate):
		return false
	case rate >= 1:
		return true
	}
	h := sha256.New()
	h.Write([]byte(seed))
	h.Write([]byte{0})
	h.Write([]byte(key))
	v := binary.BigEndian.Uint64(h.Sum(nil)[:8])
	// v / 2^64 is uniform on [0, 1).
	return float64(v>>11)/float64(1<<53) < rate
}
