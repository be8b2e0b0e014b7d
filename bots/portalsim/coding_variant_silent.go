package portalsim

import "fmt"

// SilentFaults are fault knobs that make the worklist silently wrong: the
// portal answers 200 and looks healthy, but a reader that trusts it reads
// less or other than the portal holds. A flow must fail closed on each.
// The zero value turns them all off. They apply to every layout and
// variant; Accounts and the CSV export keep the full ground truth.
type SilentFaults struct {
	// EndEarly, when positive, ends the list after that many rows: the
	// last page, "Load more" button, scroll or next control runs out
	// there, while the count still shows every account.
	EndEarly int
	// CountExtra is added to the total the count shows ("showing 1–25 of
	// N"); the list itself holds only the real accounts.
	CountExtra int
	// BrokenNext breaks every way to the second and later pages: the next
	// control stays on the page but its target answers 404 (links and the
	// page-number URL) or nothing (buttons, "Load more", scroll).
	BrokenNext bool
	// ShiftedGroup leaves out the cell of an empty field in hold reason
	// rows (the physician of a reason no physician owns) instead of an
	// empty cell, so reading cells by position shifts the next ones into
	// its place; in definition lists the label stays and its value goes.
	ShiftedGroup bool
	// Survey shows a "password expires soon" page nobody declared after
	// sign-in, once per session, before any other page.
	Survey bool
}

func (f SilentFaults) validate() error {
	switch {
	case f.EndEarly < 0:
		return fmt.Errorf("portalsim: silent faults: end early %d is negative", f.EndEarly)
	case f.CountExtra < 0:
		return fmt.Errorf("portalsim: silent faults: count extra %d is negative", f.CountExtra)
	}
	return nil
}

// SilentFaults returns the silently-wrong knobs in force.
func (w *CodingWorklist) SilentFaults() SilentFaults { return w.silent.Load().(SilentFaults) }

// SetSilentFaults changes the silently-wrong knobs from now on.
func (w *CodingWorklist) SetSilentFaults(f SilentFaults) error {
	if err := f.validate(); err != nil {
		return err
	}
	w.silent.Store(f)
	return nil
}

// window is the part of a filtered list of n rows one page shows, after
// the silent faults: first and last are indexes into the list (last
// exclusive), pages counts the pages that can be reached, total is what
// the count claims. ok is false for a page that does not exist or that
// BrokenNext breaks.
func (f SilentFaults) window(n, page, size int) (first, last, pages, total int, ok bool) {
	reach := n
	if f.EndEarly > 0 && f.EndEarly < reach {
		reach = f.EndEarly
	}
	pages = max(1, (reach+size-1)/size)
	total = n + f.CountExtra
	if page > pages || (f.BrokenNext && page > 1) {
		return 0, 0, pages, total, false
	}
	first = (page - 1) * size
	return first, min(first+size, reach), pages, total, true
}
