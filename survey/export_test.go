package survey

// SetChunkSize sets the initial chunk size of the CSV splitter and returns
// a function restoring the previous one.
func SetChunkSize(n int) (restore func()) {
	old := chunkSize
	chunkSize = n
	return func() { chunkSize = old }
}
