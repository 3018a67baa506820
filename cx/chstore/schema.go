package chstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/cxculture/cxculture/cx"
)

// The tables of a store, on every shard. Each local table (name_local)
// that reads need has a distributed table over it (name) that reads every
// shard. Names, units, waves, surveys, items and reliability groups are
// written as codes of the catalog's dictionary (cxch_names), so that every
// key of a GROUP BY is a small integer. Every row carries the batch that
// wrote it and a sign: +1 for a response written, -1 for a response
// deleted.
//
// The store writes one row per response into each of three tables (none
// into answers_in for a response without answers, none into patterns_in
// for a response to a survey without reliability groups), each shard's
// rows in the order of the key of responses (survey, wave, unit, id), and
// the cluster makes the rest with materialized views:
//
//   - responses: one row per response, with everything needed to return
//     it: its answers as two arrays (item codes ascending, values; the
//     column answers gives them as "item:value" text), its segments as
//     text (hex key=hex value pairs, which the cluster can read) and the
//     rest of its content in a binary encoding. A tombstone (sign -1)
//     keeps the ID and keys, and no content;
//   - answers_in: the response's keys and answers again (a Null table:
//     it stores nothing), from which a view makes the long table answers,
//     one row per answer, and another the sums of answers;
//   - patterns_in: the response's keys and, per reliability group of its
//     survey, the group's code and the pattern of its answers over the
//     group's items (the text of cx.PatternKey.Pattern), as two arrays (a
//     Null table too), from which a view makes the sums of patterns.
//
// Why one row per response: the long table of answers has 26 rows per
// response of a pulse survey, and building, sorting and sending them cost
// the client and the servers more than the servers' ARRAY JOIN of two
// arrays per response. Why the Null tables: a view of Debian's 18.16
// server reads every column of the block inserted, and an ARRAY JOIN over
// the responses table would copy each response's content once per answer;
// and its views do not cascade (a view writing into a table does not
// trigger that table's views), so every sum is made from what the store
// inserts. The -1 rows of a deletion go through answers_in and patterns_in
// the same way, so that the long table and the sums take them away, while
// the tombstone holds none of the response's answers.
//
// The materialized views keep, on every shard, sums per batch
// (SummingMergeTree): respondents and comments per unit and wave, answers
// per unit, wave and item (a column counting each of the values 0 to 10,
// a map by value, otherMap, for the others), patterns per wave, group and
// pattern.
// Tallies read each shard's sums as they are and add up, in the process,
// the rows of the batches a snapshot of the catalog shows committed (see
// the package documentation). The long table of answers is ordered by
// survey, wave and unit: the rows a view makes from a shard's INSERT come
// in that order, so the server need not sort them. Its merges are
// vertical (vertical_merge_algorithm_min_columns_to_activate = 1; the
// server's default asks for 11 columns besides the key): they merge the
// key's three columns and then gather the other four one at a time,
// which cost the two servers 1.6 s of CPU to merge the three parts a
// shard holds after the 1M benchmark import, against 2.0 s merging all
// seven columns row by row (medians of six merges of the same parts each
// way, each pair favoring the vertical merge by 0.3 to 0.7 s). A read
// sees the same rows either way.
var tables = []struct {
	name    string
	columns string
	engine  string
	// key is the sharding key of the distributed table; empty for the
	// sums, which only the views write.
	key string
	// view is the SELECT of the materialized view that fills the table
	// from another local table, with {db} for the database.
	view string
	// local tables have no distributed table: nothing reads them.
	local bool
}{
	{name: "responses", key: "unit",
		columns: "survey UInt32, wave UInt32, unit UInt32, id FixedString(16), batch UInt32, sign Int8, " +
			"digest UInt64, submitted Int64, has_comment UInt8, items Array(UInt32), vals Array(Int64), segs String, content String, " +
			"answers String ALIAS arrayStringConcat(arrayMap((i, v) -> concat(toString(i), ':', toString(v)), items, vals), ' ')",
		engine: "MergeTree ORDER BY (survey, wave, unit, id)"},
	{name: "answers_in", local: true,
		columns: "survey UInt32, wave UInt32, unit UInt32, sign Int8, batch UInt32, items Array(UInt32), vals Array(Int64)",
		engine:  "Null"},
	{name: "patterns_in", local: true,
		columns: "survey UInt32, wave UInt32, unit UInt32, sign Int8, batch UInt32, grps Array(UInt32), pats Array(String)",
		engine:  "Null"},
	{name: "answers", key: "unit",
		columns: "survey UInt32, wave UInt32, unit UInt32, item UInt32, value Int64, sign Int8, batch UInt32",
		engine:  "MergeTree ORDER BY (survey, wave, unit) SETTINGS vertical_merge_algorithm_min_columns_to_activate = 1",
		view:    "SELECT survey, wave, unit, item, value, sign, batch FROM {db}.answers_in_local ARRAY JOIN items AS item, vals AS value"},
	{name: "group_sums",
		columns: "survey UInt32, wave UInt32, unit UInt32, batch UInt32, respondents Int64, comments Int64",
		engine:  "SummingMergeTree ORDER BY (survey, wave, unit, batch)",
		view: "SELECT survey, wave, unit, batch, sum(toInt64(sign)) AS respondents, sum(toInt64(sign) * has_comment) AS comments " +
			"FROM {db}.responses_local GROUP BY survey, wave, unit, batch"},
	{name: "answer_sums",
		columns: "survey UInt32, wave UInt32, unit UInt32, item UInt32, batch UInt32, " + perValue("n%d Int64") +
			", otherMap Nested(value Int64, n Int64)",
		engine: "SummingMergeTree ORDER BY (survey, wave, unit, item, batch)",
		// A row per cell and value of each INSERT, the count in its
		// value's column (or otherMap), which merges add up into a row per
		// cell: counting every value of a cell in one GROUP BY (eleven
		// sumIf and a sumMapIf) cost the servers twice the CPU of this
		// GROUP BY per import, and 18.16 refuses a view that groups twice.
		view: "SELECT survey, wave, unit, item, batch, " + perValue("if(value = %[1]d, sum(toInt64(sign)), 0) AS n%[1]d") + ", " +
			"if(" + otherValue + ", [value], emptyArrayInt64()) AS `otherMap.value`, " +
			"if(" + otherValue + ", [sum(toInt64(sign))], emptyArrayInt64()) AS `otherMap.n` " +
			"FROM {db}.answers_in_local ARRAY JOIN items AS item, vals AS value GROUP BY survey, wave, unit, item, value, batch"},
	{name: "pattern_sums",
		columns: "survey UInt32, wave UInt32, grp UInt32, pattern String, batch UInt32, n Int64",
		engine:  "SummingMergeTree ORDER BY (survey, wave, grp, pattern, batch)",
		view: "SELECT survey, wave, grp, pattern, batch, sum(toInt64(sign)) AS n " +
			"FROM {db}.patterns_in_local ARRAY JOIN grps AS grp, pats AS pattern GROUP BY survey, wave, grp, pattern, batch"},
}

// countedValues is the number of values that answer_sums counts in a
// column each: 0 to countedValues-1, the points of every scale the library
// defines (binary 0-1, Likert 1-5 and 1-7, CES 1-7, CSAT 1-5, NPS 0-10),
// whether or not on the item's scale. Other values (on a scale of the
// survey's own, or off the item's scale and outside 0-10) are counted in
// the cell's otherMap, which SummingMergeTree adds up by value, dropping
// the values whose counts add up to 0. A merge does not drop a row of
// answer_sums whose counts all add up to 0 (18.16 keeps the rows of a
// table with a map): such a row (a cell whose answers a replacement took
// away and put back in one batch) is read, and adds nothing.
const countedValues = 11

// otherValue is the condition of the answers counted in otherMap.
var otherValue = fmt.Sprintf("(value < 0 OR value >= %d)", countedValues)

// perValue returns format (with the value as its argument) for every
// value counted in a column of its own, joined by commas.
func perValue(format string) string {
	cols := make([]string, countedValues)
	for v := range cols {
		cols[v] = fmt.Sprintf(format, v)
	}
	return strings.Join(cols, ", ")
}

// createTables creates the database and the tables on every shard, when
// missing, and checks that the database belongs to the catalog: each
// shard keeps the identity of the store (made by the catalog) in a table
// of one row, written when the tables are created.
func (s *Store) createTables(ctx context.Context) error {
	id, err := s.storeID(ctx)
	if err != nil {
		return err
	}
	errs := make([]error, len(s.shards))
	var wg sync.WaitGroup
	for i, c := range s.shards {
		wg.Go(func() { errs[i] = s.createShardTables(ctx, i, c, id) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// createShardTables creates the database and the tables on shard i (from
// 0), when missing, after checking the store's identity there.
func (s *Store) createShardTables(ctx context.Context, i int, c Conn, id string) error {
	db := s.database
	stmts := []string{"CREATE DATABASE IF NOT EXISTS " + db, "CREATE TABLE IF NOT EXISTS " + db + ".store_local (id String) ENGINE = TinyLog"}
	for _, t := range tables {
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s_local (%s) ENGINE = %s", db, t.name, t.columns, t.engine))
		if t.view != "" {
			stmts = append(stmts, fmt.Sprintf("CREATE MATERIALIZED VIEW IF NOT EXISTS %s.%s_view TO %s.%s_local AS %s",
				db, t.name, db, t.name, strings.ReplaceAll(t.view, "{db}", db)))
		}
		if t.local {
			continue
		}
		dist := fmt.Sprintf("Distributed(%s, %s, %s_local", s.cluster, db, t.name)
		if t.key != "" {
			dist += ", " + t.key
		}
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s AS %s.%s_local ENGINE = %s)", db, t.name, db, t.name, dist))
	}
	for _, q := range stmts[:2] {
		if err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("chstore: creating the tables on shard %d: %w", i+1, err)
		}
	}
	var ids []string
	if err := query(ctx, c, "SELECT id FROM "+db+".store_local", func(r Rows) error {
		var v string
		err := r.Scan(&v)
		ids = append(ids, v)
		return err
	}); err != nil {
		return fmt.Errorf("chstore: reading the store's identity on shard %d: %w", i+1, err)
	}
	for _, other := range ids {
		if other != id {
			return &cx.ValidationError{Problems: []cx.Problem{{Field: "catalog", Message: fmt.Sprintf(
				"database %s on shard %d belongs to another catalog (store %s, this catalog's store is %s): open it with its own catalog, or use another database",
				db, i+1, other, id)}}}
		}
	}
	if len(ids) == 0 {
		if err := c.Insert(ctx, Table{Name: db + ".store_local", Columns: []Column{{Name: "id", Type: "String", Data: []string{id}}}}); err != nil {
			return fmt.Errorf("chstore: recording the store's identity on shard %d: %w", i+1, err)
		}
	}
	for _, q := range stmts[2:] {
		if err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("chstore: creating the tables on shard %d: %w", i+1, err)
		}
	}
	return nil
}

// quote returns s as a ClickHouse string literal.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// uints writes "v1, v2, ..." for a SQL list.
func uints[T ~uint32 | ~int64](vs []T) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(int64(v), 10))
	}
	return b.String()
}
