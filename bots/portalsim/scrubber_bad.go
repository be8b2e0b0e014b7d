package portalsim

// BadClaimPositions returns the positions in the claim list (as Claims
// returns it) of the claims ScrubberConfig.BadClaimIDs renumbered: spread
// evenly, so each sits inside a batch.
func (s *ClaimScrubber) BadClaimPositions() []int {
	bad := s.cfg.BadClaimIDs
	out := make([]int, 0, len(bad))
	for i := range bad {
		out = append(out, (2*i+1)*len(s.claims)/(2*len(bad)))
	}
	return out
}
