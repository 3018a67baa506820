package storetest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
)

// recognition returns the i-th recognition fixture: behaviors, units,
// initiatives and notes vary with i; times are i days after base plus i
// microseconds.
func recognition(i int) culture.Recognition {
	r := culture.Recognition{
		ID:         uuidOf("recognition", i),
		Recognized: fmt.Sprintf("p%016x", 1000+i),
		By:         fmt.Sprintf("p%016x", 2000+i%4),
		Behavior:   []string{culture.CustomerFocus, culture.Empowerment, culture.Agility}[i%3],
		Unit:       fmt.Sprintf("u%d", i%4),
		At:         at(24*i, i),
	}
	if i%2 == 0 {
		r.Initiative = uuidOf("recognized initiative", i%4)
	}
	if i%3 == 1 {
		r.Note = "Called the customer back the same day,\nand fixed the form — «merci»."
	}
	return r
}

func recognitions(from, to int) []culture.Recognition {
	out := make([]culture.Recognition, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, recognition(i))
	}
	return out
}

func compareRecognitions(a, b culture.Recognition) int {
	return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID.String(), b.ID.String()))
}

func recognitionKey(r culture.Recognition) uuid.UUID { return r.ID }

func (c *check) addRecognitions(rs []culture.Recognition, want int, what string) {
	c.Helper()
	n, err := c.s.CreateRecognitions(c.ctx, rs)
	c.must(err, "CreateRecognitions "+what)
	if n != want {
		c.failf("CreateRecognitions %s: want added=%d, got %d", what, want, n)
	}
}

func (c *check) refuseRecognitions(rs []culture.Recognition, what string) {
	c.Helper()
	n, err := c.s.CreateRecognitions(c.ctx, rs)
	c.wantErr(err, cx.ErrAlreadyExists, "CreateRecognitions "+what)
	if n != 0 {
		c.failf("CreateRecognitions %s: a refused batch adds nothing, want added=0, got %d", what, n)
	}
}

func (c *check) recognitionsAre(want []culture.Recognition, what string) {
	c.Helper()
	got, err := c.s.ListRecognitions(c.ctx, culture.RecognitionFilter{})
	c.must(err, "ListRecognitions")
	listed(c, "ListRecognitions "+what, sorted(want, compareRecognitions), got, recognitionKey)
}

func recognitionCases() []testCase {
	const n = 12
	return []testCase{
		{"Recognition/CreateList", "CreateRecognitions adds every recognition of a batch of new ones and returns how many; ListRecognitions returns them exactly (notes with line breaks and accents, times in UTC to the microsecond), ordered by At, then ID", func(c *check) {
			c.recognitionsAre(nil, "on an empty store")
			c.addRecognitions(shuffled(recognitions(0, n)), n, "of new recognitions")
			c.recognitionsAre(recognitions(0, n), "after one batch")
		}},
		{"Recognition/Idempotent", "CreateRecognitions is idempotent by ID: identical recognitions add nothing and are no error; a batch mixing stored and new ones adds only the new ones; an identical duplicate within a batch counts once", func(c *check) {
			c.addRecognitions(recognitions(0, 6), 6, "of new recognitions")
			c.addRecognitions(recognitions(0, 6), 0, "of the same batch again")
			c.addRecognitions(append(shuffled(recognitions(3, 9)), recognition(8)), 3, "of 3 stored and 3 new ones, one twice")
			c.recognitionsAre(recognitions(0, 9), "after re-inserts")
		}},
		{"Recognition/ConflictRefusesBatch", "A recognition that differs from a stored one (or from an earlier one in its batch) under the same ID fails the whole batch with cx.ErrAlreadyExists and added=0; nothing of the batch is stored", func(c *check) {
			c.addRecognitions(recognitions(0, 3), 3, "")
			changed := recognition(1)
			changed.Note = "another note"
			c.refuseRecognitions([]culture.Recognition{recognition(4), changed}, "with a changed note under a stored ID")
			other := recognition(5)
			other.Behavior = culture.Inclusion
			c.refuseRecognitions([]culture.Recognition{recognition(5), recognition(6), other}, "with two recognitions under one new ID")
			c.addRecognitions(nil, 0, "of a nil batch")
			c.recognitionsAre(recognitions(0, 3), "after refused batches")
		}},
		{"Recognition/ListFilter", "ListRecognitions keeps those of Filter.Units, Behavior and Initiative when set, at or after Since and before Until; filters combine with AND", func(c *check) {
			all := sorted(recognitions(0, n), compareRecognitions)
			c.addRecognitions(shuffled(all), n, "")
			r := recognition
			for _, f := range []culture.RecognitionFilter{
				{Since: r(3).At, Until: r(6).At},
				{Behavior: culture.Empowerment},
				{Units: []string{"u2"}},
				{Units: []string{"u0", "u1", "nowhere"}},
				{Initiative: uuidOf("recognized initiative", 2)},
				{Behavior: culture.CustomerFocus, Units: []string{"u0"}, Since: r(1).At},
				{Until: r(0).At},
				{Since: r(n - 1).At.Add(time.Microsecond)},
			} {
				var want []culture.Recognition
				for _, x := range all {
					if f.Match(x) {
						want = append(want, x)
					}
				}
				got, err := c.s.ListRecognitions(c.ctx, f)
				c.must(err, "ListRecognitions")
				listed(c, "ListRecognitions("+fmtFilter(f)+")", want, got, recognitionKey)
			}
		}},
		{"Recognition/Delete", "DeleteRecognition removes the one recognition with that ID and fails with cx.ErrNotFound once it is gone or when it was never stored", func(c *check) {
			c.wantErr(c.s.DeleteRecognition(c.ctx, recognition(0).ID), cx.ErrNotFound, "DeleteRecognition on an empty store")
			c.addRecognitions(recognitions(0, 4), 4, "")
			c.must(c.s.DeleteRecognition(c.ctx, recognition(2).ID), "DeleteRecognition")
			c.recognitionsAre(append(recognitions(0, 2), recognition(3)), "after DeleteRecognition")
			c.wantErr(c.s.DeleteRecognition(c.ctx, recognition(2).ID), cx.ErrNotFound, "DeleteRecognition of a deleted recognition")
			c.addRecognitions(recognitions(0, 4), 1, "re-inserting the deleted one with the others")
		}},
		{"Recognition/Ownership", "A store does not retain the batch passed to CreateRecognitions nor share what it returns: changing either afterwards changes nothing stored", func(c *check) {
			batch := recognitions(0, 3)
			c.addRecognitions(batch, 3, "")
			batch[0].Note = "changed"
			batch[1] = recognition(7)
			got, err := c.s.ListRecognitions(c.ctx, culture.RecognitionFilter{})
			c.must(err, "ListRecognitions")
			for i := range got {
				got[i].Note = "changed"
			}
			c.recognitionsAre(recognitions(0, 3), "after the caller changed what it passed and got")
		}},
	}
}

// Recognitions in the model-based test: three IDs, two variants each.
var recognitionPool = func() (p [nKeys][nVariants]culture.Recognition) {
	for i := range nKeys {
		r := recognition(i)
		r.ID = uuidOf("model recognition", i)
		p[i][0] = r
		r.Note = "changed"
		r.At = r.At.Add(time.Hour)
		p[i][1] = r
	}
	return p
}()

func expectedRecognitions(m *model, idx int) []culture.Recognition {
	var out []culture.Recognition
	for _, r := range table[uuid.UUID, culture.Recognition](m, idx) {
		out = append(out, r)
	}
	return sorted(out, compareRecognitions)
}

type createRecognitionsCmd struct {
	idx   int
	batch []pair
}

func (c createRecognitionsCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	batch := make([]culture.Recognition, len(c.batch))
	for j, p := range c.batch {
		batch[j] = recognitionPool[p.i][p.v]
	}
	n, err := s.CreateRecognitions(context.Background(), batch)
	l, lerr := s.ListRecognitions(context.Background(), culture.RecognitionFilter{})
	return result{err: err, added: n, list: l, fail: lerr}
}

func (c createRecognitionsCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := maps.Clone(table[uuid.UUID, culture.Recognition](m, c.idx))
	added := 0
	for _, p := range c.batch {
		r := recognitionPool[p.i][p.v]
		if prev, ok := t[r.ID]; ok {
			if prev != r {
				return m.with(c.idx, nil, outcome{err: cx.ErrAlreadyExists})
			}
			continue
		}
		t[r.ID] = r
		added++
	}
	return m.with(c.idx, t, outcome{added: added})
}

func (createRecognitionsCmd) PreCondition(commands.State) bool { return true }

func (c createRecognitionsCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	msg := checkErr(m.want.err, r.err, c.String())
	if msg == "" && r.added != m.want.added {
		msg = fmt.Sprintf("%s: want added=%d, got %d", c, m.want.added, r.added)
	}
	return verdict(msg, checkList(expectedRecognitions(m, c.idx), r, recognitionKey, "ListRecognitions after "+c.String()))
}

func (c createRecognitionsCmd) String() string {
	parts := make([]string, len(c.batch))
	for j, p := range c.batch {
		parts[j] = fmt.Sprintf("r%d#%d", p.i, p.v)
	}
	return "CreateRecognitions[" + strings.Join(parts, " ") + "]"
}

type deleteRecognitionCmd struct{ idx, i int }

func (c deleteRecognitionCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	err := s.DeleteRecognition(context.Background(), recognitionPool[c.i][0].ID)
	l, lerr := s.ListRecognitions(context.Background(), culture.RecognitionFilter{})
	return result{err: err, list: l, fail: lerr}
}

func (c deleteRecognitionCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := table[uuid.UUID, culture.Recognition](m, c.idx)
	id := recognitionPool[c.i][0].ID
	if _, ok := t[id]; !ok {
		return m.with(c.idx, nil, outcome{err: cx.ErrNotFound})
	}
	t = maps.Clone(t)
	delete(t, id)
	return m.with(c.idx, t, outcome{})
}

func (deleteRecognitionCmd) PreCondition(commands.State) bool { return true }

func (c deleteRecognitionCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(m.want.err, r.err, c.String()), checkList(expectedRecognitions(m, c.idx), r, recognitionKey, "ListRecognitions after "+c.String()))
}

func (c deleteRecognitionCmd) String() string { return fmt.Sprintf("DeleteRecognition(r%d)", c.i) }

// recognitionGens returns the generators of the recognition commands.
func recognitionGens(idx int) []gopter.Gen {
	return []gopter.Gen{
		cxgen.From(func(r *rand.Rand) commands.Command { return createRecognitionsCmd{idx, batchOf(r)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return deleteRecognitionCmd{idx, r.Intn(nKeys)} }),
	}
}
