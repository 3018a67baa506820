package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// responseCols are the columns of cx_responses, in the order of
// responseRow and of insertion.
const responseCols = "id, survey, wave, unit, respondent, submitted_us, comment, segments, enc, code, answers, texts"

var responseColList = []string{"id", "survey", "wave", "unit", "respondent", "submitted_us", "comment", "segments", "enc", "code", "answers", "texts"}

// responseRow is a response as stored.
type responseRow struct {
	id                             []byte
	survey, wave, unit, respondent string
	submitted                      int64
	comment                        string
	segments                       sql.NullString
	enc                            int64
	code                           sql.NullString
	answers                        sql.NullString
	// texts holds the free-text answers as JSON; NULL without any.
	texts sql.NullString
}

// appendArgs appends the row's values in the order of responseCols, as
// the plain values drivers take without conversion, for a database of
// dialect d.
func (r *responseRow) appendArgs(args []any, d Dialect) []any {
	return append(args, r.id, r.survey, r.wave, r.unit, respondentValue(d, r.respondent), r.submitted, r.comment,
		nullable(r.segments), r.enc, nullable(r.code), nullable(r.answers), nullable(r.texts))
}

// pseudonymBytes is the length of the HMAC a pseudonym spells in
// hexadecimal after [cx.PseudonymPrefix].
const pseudonymBytes = 32

// respondentValue returns the value of a respondent as a database of
// dialect d stores it. SQLite keeps a pseudonym as the program makes them
// ([cx.PseudonymPrefix] and 64 lowercase hexadecimal digits) as a BLOB of
// the 32 bytes the digits spell, 35 bytes less a row than the text, and
// any other respondent as TEXT; the column's type tells them apart when
// read (see respondentScanner). PostgreSQL keeps every respondent as TEXT.
func respondentValue(d Dialect, respondent string) any {
	if d != SQLite || len(respondent) != len(cx.PseudonymPrefix)+2*pseudonymBytes || !strings.HasPrefix(respondent, cx.PseudonymPrefix) {
		return respondent
	}
	digits := respondent[len(cx.PseudonymPrefix):]
	b := make([]byte, pseudonymBytes)
	for i := range b {
		hi, lo := lowerHex(digits[2*i]), lowerHex(digits[2*i+1])
		if hi < 0 || lo < 0 {
			return respondent // not a pseudonym as the program spells them
		}
		b[i] = byte(hi<<4 | lo)
	}
	return b
}

// lowerHex returns the value of a lowercase hexadecimal digit, or -1 (an
// uppercase digit would not spell the pseudonym back as it was).
func lowerHex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}

// respondentScanner reads a respondent column into dst: text as it is, a
// BLOB as the pseudonym whose bytes it holds (see respondentValue).
type respondentScanner struct{ dst *string }

func (r respondentScanner) Scan(v any) error {
	switch v := v.(type) {
	case string:
		*r.dst = v
	case []byte:
		if len(v) != pseudonymBytes {
			return fmt.Errorf("a stored respondent of %d bytes is not a pseudonym", len(v))
		}
		*r.dst = cx.PseudonymPrefix + hex.EncodeToString(v)
	default:
		return fmt.Errorf("a stored respondent is a %T, not text", v)
	}
	return nil
}

func nullable(s sql.NullString) any {
	if !s.Valid {
		return nil
	}
	return s.String
}

// encodeResponse returns the row of r: its answers as a code of l when l
// is not nil and they fit it, as JSON otherwise.
func encodeResponse(r survey.Response, l *layout) (responseRow, error) {
	row := responseRow{id: r.ID[:], survey: r.Survey, wave: r.Wave, unit: r.Unit, respondent: r.Respondent,
		submitted: r.Submitted.UnixMicro(), comment: r.Comment, enc: rawEncoding}
	if r.Segments != nil {
		b, err := json.Marshal(r.Segments)
		if err != nil {
			return row, err
		}
		row.segments = sql.NullString{String: string(b), Valid: true}
	}
	if r.Texts != nil {
		b, err := json.Marshal(r.Texts)
		if err != nil {
			return row, err
		}
		row.texts = sql.NullString{String: string(b), Valid: true}
	}
	if l != nil {
		if code, ok := l.encode(r.Answers); ok {
			row.enc, row.code = l.id, sql.NullString{String: code, Valid: true}
			return row, nil
		}
	}
	b, err := json.Marshal(r.Answers)
	if err != nil {
		return row, err
	}
	row.answers = sql.NullString{String: string(b), Valid: true}
	return row, nil
}

// decodeResponse returns the response a row holds.
func (s *Store) decodeResponse(ctx context.Context, q queryer, row responseRow) (survey.Response, error) {
	id, err := uuid.FromBytes(row.id)
	if err != nil {
		return survey.Response{}, wrap(fmt.Errorf("stored response ID %x is not a UUID: %w", row.id, err), "read response", "")
	}
	o := op("read", "response", id)
	r := survey.Response{ID: id, Survey: row.survey, Wave: row.wave, Unit: row.unit, Respondent: row.respondent,
		Submitted: time.UnixMicro(row.submitted).UTC(), Comment: row.comment}
	if row.segments.Valid {
		if err := json.Unmarshal([]byte(row.segments.String), &r.Segments); err != nil {
			return r, wrap(fmt.Errorf("segments are corrupt: %w", err), o, "")
		}
	}
	if row.texts.Valid {
		if err := json.Unmarshal([]byte(row.texts.String), &r.Texts); err != nil {
			return r, wrap(fmt.Errorf("text answers are corrupt: %w", err), o, "")
		}
	}
	switch {
	case row.enc == rawEncoding:
		if err := json.Unmarshal([]byte(row.answers.String), &r.Answers); err != nil {
			return r, wrap(fmt.Errorf("answers are corrupt: %w", err), o, "")
		}
	default:
		l, err := s.layout(ctx, q, row.enc)
		if err != nil {
			return r, err
		}
		if r.Answers, err = l.decode(row.code.String); err != nil {
			return r, wrap(err, o, "")
		}
	}
	return r, nil
}

// queryResponseRows runs a query selecting responseCols.
func queryResponseRows(ctx context.Context, q queryer, opName, query string, args ...any) ([]responseRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(err, opName, "")
	}
	defer rows.Close()
	var out []responseRow
	for rows.Next() {
		var r responseRow
		if err := rows.Scan(&r.id, &r.survey, &r.wave, &r.unit, respondentScanner{&r.respondent}, &r.submitted, &r.comment,
			&r.segments, &r.enc, &r.code, &r.answers, &r.texts); err != nil {
			return nil, wrap(err, opName, "")
		}
		out = append(out, r)
	}
	return out, wrap(rows.Err(), opName, "")
}

// decodeResponses decodes rows in order.
func (s *Store) decodeResponses(ctx context.Context, q queryer, rows []responseRow) ([]survey.Response, error) {
	out := make([]survey.Response, len(rows))
	for i, row := range rows {
		r, err := s.decodeResponse(ctx, q, row)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// CreateResponses implements [survey.ResponseStore]: the batch is written
// in one transaction, all or nothing, with its tallies.
//
// A batch of new responses is written with multi-row INSERTs straight
// away; if one of its IDs is stored already, that transaction fails on the
// key and the batch is written again in a second one that first reads the
// stored responses with the batch's IDs and compares them.
func (s *Store) CreateResponses(ctx context.Context, rs []survey.Response) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	// Identical duplicates within the batch count once: the first is
	// kept. The batch is copied only when it has some.
	seen := make(map[uuid.UUID]int, len(rs))
	dups := 0
	for i, r := range rs {
		if j, dup := seen[r.ID]; dup {
			if !rs[j].Equal(r) {
				return 0, alreadyExists(op("create", "response", r.ID), "the batch holds two different responses with this ID")
			}
			dups++
			continue
		}
		seen[r.ID] = i
	}
	fresh := rs
	if dups > 0 {
		fresh = make([]survey.Response, 0, len(rs)-dups)
		for i, r := range rs {
			if seen[r.ID] == i {
				fresh = append(fresh, r)
			}
		}
	}
	added, err := s.insertResponses(ctx, fresh, true)
	if err != nil && isConflict(err) {
		added, err = s.insertResponses(ctx, fresh, false)
	}
	if err != nil {
		return 0, err
	}
	return added, nil
}

// insertResponses writes rs (distinct IDs) in one transaction. On the fast
// path it inserts them all, failing on a stored ID; otherwise it leaves out
// the responses stored identically and fails with ErrAlreadyExists on a
// stored ID with a different response.
func (s *Store) insertResponses(ctx context.Context, rs []survey.Response, fast bool) (int, error) {
	o := fmt.Sprintf("create %d responses", len(rs))
	added := 0
	// With a bulk-load protocol, the transaction runs on a connection of
	// its own, which the copy reaches through sql.Conn.Raw.
	var conn *sql.Conn
	var b beginner = s.db
	if s.copy != nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return 0, wrap(err, o, "")
		}
		defer c.Close()
		conn, b = c, c
	}
	err := s.inTx(ctx, b, nil, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		layouts := map[string]*layout{}
		for _, r := range rs {
			if _, ok := layouts[r.Survey]; ok {
				continue
			}
			layouts[r.Survey] = nil
			sv, err := getSurvey(ctx, tx, r.Survey)
			if errors.Is(err, cx.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if l, err := layoutOf(sv); err == nil {
				if err := s.saveLayout(ctx, tx, l); err != nil {
					return err
				}
				layouts[r.Survey] = l
			}
		}
		if !fast {
			var err error
			if rs, err = s.leaveOutStored(ctx, tx, rs); err != nil {
				return err
			}
		}
		if len(rs) == 0 {
			return nil
		}
		verb := "INSERT"
		if fast && s.dialect == SQLite {
			// On a conflict, end the transaction at once: SQLite then
			// needs no statement journal to undo a statement that fails
			// half-way, which makes large INSERTs several times faster.
			verb = "INSERT OR ROLLBACK"
		}
		d, err := s.insertEncoded(ctx, tx, conn, verb, rs, layouts)
		if err != nil {
			return err
		}
		if err := s.apply(ctx, tx, d); err != nil {
			return err
		}
		added = len(rs)
		return nil
	})
	if err != nil {
		return 0, wrap(err, o, "")
	}
	return added, nil
}

// insertEncoded encodes rs and inserts them, and returns the change to
// the tallies they make. One goroutine encodes the responses and counts
// their tallies while the database inserts the rows encoded before: with
// the store's CopyFunc on conn when both are set, with multi-row INSERTs
// in tx otherwise.
func (s *Store) insertEncoded(ctx context.Context, tx *sql.Tx, conn *sql.Conn, verb string, rs []survey.Response, layouts map[string]*layout) (*delta, error) {
	const chunk = 1000
	type part struct {
		args []any
		err  error
	}
	parts := make(chan part, 4)
	stop := make(chan struct{})
	// free returns the argument slices the INSERTs are done with to the
	// encoder (a copy may keep rows until it ends: it returns none).
	free := make(chan []any, cap(parts)+2)
	d := newDelta()
	go func() {
		defer close(parts)
		rows := make([]responseRow, chunk)
		for lo := 0; lo < len(rs); lo += chunk {
			batch := rs[lo:min(lo+chunk, len(rs))]
			var args []any
			select {
			case args = <-free:
				args = args[:0]
			default:
				args = make([]any, 0, chunk*len(responseColList))
			}
			for i, r := range batch {
				l := layouts[r.Survey]
				row, err := encodeResponse(r, l)
				if err != nil {
					parts <- part{err: invalid(op("create", "response", r.ID), "answers", err.Error())}
					return
				}
				rows[i] = row
				args = row.appendArgs(args, s.dialect)
			}
			select {
			case parts <- part{args: args}:
			case <-stop:
				return
			}
			for i, r := range batch {
				l := layouts[r.Survey]
				if rows[i].enc == rawEncoding {
					l = nil
				}
				d.add(l, r.Survey, r.Wave, r.Unit, rows[i].code.String, r.Comment != "", +1)
			}
		}
	}()
	var err error
	if conn != nil && s.copy != nil {
		var cur []any
		ncols := len(responseColList)
		next := func() ([]any, error) {
			for len(cur) == 0 {
				p, ok := <-parts
				if !ok {
					return nil, nil
				}
				if p.err != nil {
					return nil, p.err
				}
				cur = p.args
			}
			row := cur[:ncols:ncols]
			cur = cur[ncols:]
			return row, nil
		}
		err = conn.Raw(func(dc any) error { return s.copy(ctx, dc, "cx_responses", responseColList, next) })
		err = wrap(err, "copy into cx_responses", "")
	} else {
		in := s.newInserter(tx, verb, "cx_responses", responseColList, "")
		for p := range parts {
			if err = p.err; err == nil {
				err = in.add(ctx, p.args...) // copies the arguments it keeps
			}
			if err != nil {
				break
			}
			clear(p.args) // drops the references to the batch's values
			select {
			case free <- p.args:
			default:
			}
		}
		if ferr := in.flush(ctx); err == nil {
			err = ferr
		}
	}
	if err != nil {
		close(stop)
		for range parts { // let the encoder end
		}
		return nil, err
	}
	for range parts { // a copy may end before reading the end of parts
	}
	return d, nil
}

// leaveOutStored returns rs without the responses stored identically; a
// stored response that differs fails with ErrAlreadyExists.
func (s *Store) leaveOutStored(ctx context.Context, tx *sql.Tx, rs []survey.Response) ([]survey.Response, error) {
	stored := map[uuid.UUID]survey.Response{}
	err := chunks(rs, 500, func(part []survey.Response) error {
		b := builder{d: s.dialect}
		b.sb.WriteString("SELECT " + responseCols + " FROM cx_responses WHERE ")
		ids := make([][]byte, len(part))
		for i, r := range part {
			ids[i] = r.ID[:]
		}
		in(&b, "id", ids)
		rows, err := queryResponseRows(ctx, tx, "read stored responses", b.String(), b.args...)
		if err != nil {
			return err
		}
		got, err := s.decodeResponses(ctx, tx, rows)
		for _, r := range got {
			stored[r.ID] = r
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]survey.Response, 0, len(rs))
	for _, r := range rs {
		prev, ok := stored[r.ID]
		switch {
		case !ok:
			out = append(out, r)
		case !prev.Equal(r):
			return nil, alreadyExists(op("create", "response", r.ID), "a different response is stored with this ID")
		}
	}
	return out, nil
}

// GetResponse implements [survey.ResponseStore].
func (s *Store) GetResponse(ctx context.Context, id uuid.UUID) (survey.Response, error) {
	o := op("get", "response", id)
	rows, err := queryResponseRows(ctx, s.db, o, "SELECT "+responseCols+" FROM cx_responses WHERE id = $1", id[:])
	if err != nil {
		return survey.Response{}, err
	}
	if len(rows) == 0 {
		return survey.Response{}, notFound(o)
	}
	return s.decodeResponse(ctx, s.db, rows[0])
}

// responseWhere writes the WHERE clause of f.
func responseWhere(b *builder, f survey.ResponseFilter) {
	and := " WHERE "
	cond := func(c string) {
		b.sb.WriteString(and)
		b.sb.WriteString(c)
		and = " AND "
	}
	if f.Survey != "" {
		cond("survey = " + b.arg(f.Survey))
	}
	if f.Wave != "" {
		cond("wave = " + b.arg(f.Wave))
	}
	if len(f.Units) > 0 {
		b.sb.WriteString(and)
		and = " AND "
		in(b, "unit", f.Units)
	}
	if !f.Since.IsZero() {
		cond("submitted_us >= " + b.arg(ceilMicro(f.Since)))
	}
	if !f.Until.IsZero() {
		cond("submitted_us < " + b.arg(ceilMicro(f.Until)))
	}
}

// ceilMicro returns t in microseconds since the epoch, rounded up: a
// stored time (whole microseconds) is at or after t exactly when it is at
// or after ceilMicro(t).
func ceilMicro(t time.Time) int64 {
	us := t.UnixMicro()
	if t.Nanosecond()%1000 != 0 {
		us++
	}
	return us
}

// ListResponses implements [survey.ResponseStore].
func (s *Store) ListResponses(ctx context.Context, f survey.ResponseFilter) ([]survey.Response, error) {
	b := builder{d: s.dialect}
	b.sb.WriteString("SELECT " + responseCols + " FROM cx_responses")
	responseWhere(&b, f)
	b.sb.WriteString(" ORDER BY submitted_us, id")
	if f.Limit > 0 || f.Offset > 0 {
		limit := int64(f.Limit)
		if limit <= 0 {
			limit = 1<<63 - 1
		}
		b.sb.WriteString(" LIMIT " + b.arg(limit) + " OFFSET " + b.arg(int64(max(f.Offset, 0))))
	}
	rows, err := queryResponseRows(ctx, s.db, "list responses", b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	return s.decodeResponses(ctx, s.db, rows)
}

// CountResponses implements [survey.ResponseStore].
func (s *Store) CountResponses(ctx context.Context, f survey.ResponseFilter) (int, error) {
	b := builder{d: s.dialect}
	b.sb.WriteString("SELECT count(*) FROM cx_responses")
	responseWhere(&b, f)
	var n int64
	if err := s.db.QueryRowContext(ctx, b.String(), b.args...).Scan(&n); err != nil {
		return 0, wrap(err, "count responses", "")
	}
	return int(n), nil
}

// DeleteResponse implements [survey.ResponseStore]: the response and its
// share of the tallies go in one transaction.
func (s *Store) DeleteResponse(ctx context.Context, id uuid.UUID) error {
	o := op("delete", "response", id)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		rows, err := queryResponseRows(ctx, tx, o, "SELECT "+responseCols+" FROM cx_responses WHERE id = $1", id[:])
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return notFound(o)
		}
		row := rows[0]
		var l *layout
		if row.enc != rawEncoding {
			if l, err = s.layout(ctx, tx, row.enc); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM cx_responses WHERE id = $1", id[:]); err != nil {
			return wrap(err, o, "")
		}
		d := newDelta()
		d.add(l, row.survey, row.wave, row.unit, row.code.String, row.comment != "", -1)
		return s.apply(ctx, tx, d)
	})
}
