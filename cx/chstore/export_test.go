package chstore

import "strings"

// NarrowKeys makes the tallies take unit, wave and item codes up to max
// as the largest (0: every code the dictionary holds) and returns the
// previous cap: a tally then keeps the patterns of higher wave codes
// apart from the packed ones, and finds most cells and the survey's items
// in maps rather than arrays.
func NarrowKeys(max uint32) uint32 { return packCap.Swap(max) }

// AnswerChunks makes a tally put the cells of a shard into the tallies n
// at a time as its rows arrive and returns the previous number.
func AnswerChunks(n int32) int32 { return answerChunk.Swap(n) }

// StageFlush makes an import compare and write its staged responses n at
// a time and returns the previous number; tests that change it restore it.
func StageFlush(n int) int {
	prev := stageFlush
	stageFlush = n
	return prev
}

// StageBytes makes an import write a group of staged responses once
// their estimated size reaches n bytes and returns the previous bound.
func StageBytes(n int) int {
	prev := stageBytes
	stageBytes = n
	return prev
}

// CountColumns returns the columns of answer_sums that count a value each
// (n0, n1, ...).
func CountColumns() []string { return strings.Split(perValue("n%d"), ", ") }
