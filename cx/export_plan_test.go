package cx

// PlanWavesOneByOne makes plans without the wave-difference rule plan
// their waves one after another, as plans with it do, until restore is
// called: for tests that compare the two.
func PlanWavesOneByOne() (restore func()) {
	planWavesApart = false
	return func() { planWavesApart = true }
}

// FiguresHiddenIn counts the figures d hides in shown cells.
func FiguresHiddenIn(d *Disclosure) int {
	n := 0
	for _, f := range d.figures {
		n += len(f)
	}
	return n
}
