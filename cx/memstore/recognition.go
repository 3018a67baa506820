package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
)

func sameRecognition(a, b culture.Recognition) bool {
	return a.ID == b.ID && a.Recognized == b.Recognized && a.By == b.By && a.Behavior == b.Behavior && a.Unit == b.Unit &&
		a.At.Equal(b.At) && a.Initiative == b.Initiative && a.Note == b.Note
}

// CreateRecognitions implements [culture.RecognitionStore].
func (s *Store) CreateRecognitions(_ context.Context, rs []culture.Recognition) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := make(map[uuid.UUID]culture.Recognition, len(rs))
	for _, r := range rs {
		prev, ok := s.recognitions[r.ID]
		if !ok {
			prev, ok = fresh[r.ID]
		}
		if ok {
			if !sameRecognition(prev, r) {
				return 0, fmt.Errorf("memstore: recognition %s: %w", r.ID, cx.ErrAlreadyExists)
			}
			continue
		}
		fresh[r.ID] = r
	}
	maps.Copy(s.recognitions, fresh)
	return len(fresh), nil
}

// ListRecognitions implements [culture.RecognitionStore].
func (s *Store) ListRecognitions(_ context.Context, f culture.RecognitionFilter) ([]culture.Recognition, error) {
	return list(&s.mu, s.recognitions, f.Match, same, func(a, b culture.Recognition) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID.String(), b.ID.String()))
	}), nil
}

// DeleteRecognition implements [culture.RecognitionStore].
func (s *Store) DeleteRecognition(_ context.Context, id uuid.UUID) error {
	return del(&s.mu, s.recognitions, id, "recognition")
}
