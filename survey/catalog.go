package survey

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadItemsCSV reads an item catalog: a CSV file with a header naming at
// least the columns item_id, scale and text, and optionally construct (or
// behavior), reverse, kind, version and required. Scales are named as
// [ScaleByID] accepts them. An item on the NPS scale whose construct is
// empty gets the construct "enps"; kind defaults to "behavior" for an
// item with a construct on an agreement scale and "outcome" otherwise;
// version defaults to 1. Every problem is reported with its line and
// column in one *ValidationError.
func ReadItemsCSV(r io.Reader) ([]Item, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{Line: 1, Reason: "empty input: a header line is required"}
	}
	if err != nil {
		return nil, fmt.Errorf("survey: reading items: %w", err)
	}
	col, err := HeaderIndex(header)
	if err != nil {
		return nil, err
	}
	if _, ok := col["construct"]; !ok {
		if i, ok := col["behavior"]; ok {
			col["construct"] = i
		}
	}
	var ps problems
	for _, req := range []string{"item_id", "scale", "text"} {
		if _, ok := col[req]; !ok {
			ps.add("line 1", "required column "+req+" missing")
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	var items []Item
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("survey: reading items: %w", err)
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) (string, string) {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return "", ""
			}
			return strings.TrimSpace(rec[i]), fmt.Sprintf("line %d, column %d (%s)", line, i+1, name)
		}
		id, _ := get("item_id")
		it := Item{ID: id, Version: 1}
		text, where := get("text")
		if reason, ok := TextProblem(text); !ok {
			ps.add(where, reason)
		}
		it.Text = text
		scale, where := get("scale")
		sc, ok := ScaleByID(scale)
		if !ok {
			ps.add(where, fmt.Sprintf("unknown scale %q", scale))
		}
		it.Scale = sc
		it.Construct, _ = get("construct")
		if rev, where := get("reverse"); rev != "" {
			b, err := strconv.ParseBool(rev)
			if err != nil {
				ps.add(where, fmt.Sprintf("%q is not true or false", rev))
			}
			it.Reverse = b
		}
		if it.Construct == "" && sc.ID == NPS.ID {
			it.Construct = ENPS
		}
		kind, where := get("kind")
		switch strings.ToLower(kind) {
		case "":
			it.Kind = Outcome
			if it.Construct != "" && it.Construct != ENPS && (sc.ID == Likert5.ID || sc.ID == Likert7.ID) {
				it.Kind = Behavior
			}
		case "belief":
			it.Kind = Belief
		case "behavior", "behaviour":
			it.Kind = Behavior
		case "outcome":
			it.Kind = Outcome
		default:
			ps.add(where, fmt.Sprintf("unknown kind %q: use belief, behavior or outcome", kind))
		}
		if v, where := get("version"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				ps.add(where, fmt.Sprintf("version %q is not a positive integer", v))
			}
			it.Version = n
		}
		if v, where := get("required"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				ps.add(where, fmt.Sprintf("%q is not true or false", v))
			}
			it.Required = b
		}
		if !ValidID(it.ID) {
			ps.add(fmt.Sprintf("line %d (item_id)", line), fmt.Sprintf("malformed item ID %q", it.ID))
		}
		if it.Text == "" {
			ps.add(fmt.Sprintf("line %d (text)", line), "required")
		}
		items = append(items, it)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return items, nil
}
