package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
)

// lockRecognitions is the cx_locks row of recognition batches.
const lockRecognitions = "recognitions"

var recognitionCols = []string{"id", "at_us", "unit", "behavior", "initiative", "doc"}

func sameRecognition(a, b culture.Recognition) bool {
	return a.ID == b.ID && a.Recognized == b.Recognized && a.By == b.By && a.Behavior == b.Behavior && a.Unit == b.Unit &&
		a.At.Equal(b.At) && a.Initiative == b.Initiative && a.Note == b.Note
}

func initiativeText(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

// CreateRecognitions implements [culture.RecognitionStore]: the batch is
// written in one transaction, all or nothing, after the stored
// recognitions with the same IDs are read under the recognitions lock.
func (s *Store) CreateRecognitions(ctx context.Context, rs []culture.Recognition) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	o := fmt.Sprintf("create %d recognitions", len(rs))
	fresh := make([]culture.Recognition, 0, len(rs))
	seen := make(map[uuid.UUID]int, len(rs))
	for _, r := range rs {
		if j, dup := seen[r.ID]; dup {
			if !sameRecognition(fresh[j], r) {
				return 0, alreadyExists(op("create", "recognition", r.ID), "the batch holds two different recognitions with this ID")
			}
			continue
		}
		seen[r.ID] = len(fresh)
		fresh = append(fresh, r)
	}
	added := 0
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockRecognitions); err != nil {
			return err
		}
		stored := map[uuid.UUID]culture.Recognition{}
		err := chunks(fresh, 200, func(part []culture.Recognition) error {
			b := builder{d: s.dialect}
			b.sb.WriteString("SELECT doc FROM cx_recognitions WHERE id IN (")
			for i, r := range part {
				if i > 0 {
					b.sb.WriteString(", ")
				}
				b.sb.WriteString(b.arg(r.ID[:]))
			}
			b.sb.WriteString(")")
			got, err := listDocs[culture.Recognition](ctx, tx, "read stored recognitions", b.String(), b.args...)
			for _, r := range got {
				stored[r.ID] = r
			}
			return err
		})
		if err != nil {
			return err
		}
		var args []any
		for _, r := range fresh {
			if prev, ok := stored[r.ID]; ok {
				if !sameRecognition(prev, r) {
					return alreadyExists(op("create", "recognition", r.ID), "another recognition is stored with this ID")
				}
				continue
			}
			doc, err := marshal(o, r)
			if err != nil {
				return err
			}
			args = append(args, r.ID[:], r.At.UnixMicro(), r.Unit, r.Behavior, initiativeText(r.Initiative), doc)
			added++
		}
		if added == 0 {
			return nil
		}
		return s.insertRows(ctx, tx, "INSERT", "cx_recognitions", recognitionCols, "", args)
	})
	if err != nil {
		return 0, wrap(err, o, "")
	}
	return added, nil
}

// ListRecognitions implements [culture.RecognitionStore].
func (s *Store) ListRecognitions(ctx context.Context, f culture.RecognitionFilter) ([]culture.Recognition, error) {
	b := builder{d: s.dialect}
	b.sb.WriteString("SELECT doc FROM cx_recognitions")
	and := " WHERE "
	cond := func(c string) {
		b.sb.WriteString(and + c)
		and = " AND "
	}
	if len(f.Units) > 0 {
		b.sb.WriteString(and)
		and = " AND "
		in(&b, "unit", f.Units)
	}
	if f.Behavior != "" {
		cond("behavior = " + b.arg(f.Behavior))
	}
	if f.Initiative != uuid.Nil {
		cond("initiative = " + b.arg(f.Initiative.String()))
	}
	if !f.Since.IsZero() {
		cond("at_us >= " + b.arg(ceilMicro(f.Since)))
	}
	if !f.Until.IsZero() {
		cond("at_us < " + b.arg(ceilMicro(f.Until)))
	}
	b.sb.WriteString(" ORDER BY at_us, id")
	return listDocs[culture.Recognition](ctx, s.db, "list recognitions", b.String(), b.args...)
}

// DeleteRecognition implements [culture.RecognitionStore].
func (s *Store) DeleteRecognition(ctx context.Context, id uuid.UUID) error {
	return execOne(ctx, s.db, op("delete", "recognition", id), "DELETE FROM cx_recognitions WHERE id = $1", id[:])
}
