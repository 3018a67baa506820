package chstore

// NarrowKeys makes the tallies pack unit, wave and item codes up to max
// only (0: every code the dictionary holds) and returns the previous cap:
// a tally then reads the other rows by their columns.
func NarrowKeys(max uint32) uint32 { return packCap.Swap(max) }
