package chstore

// responseRows are rows of the responses table, by column.
type responseRows struct {
	survey, wave, unit, batch []uint32
	id                        []string
	sign                      []int8
	digest                    []uint64
	respondent, comment       []string
	submitted                 []int64
	hasComment                []uint8
	segKeys, segVals          [][]string
	items                     [][]uint32
	vals                      [][]int64
	// textKeys and textVals are the free-text answers, by text item ID.
	textKeys, textVals [][]string
}

func responseColumns(n int) *responseRows {
	return &responseRows{
		survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n), batch: make([]uint32, 0, n),
		id: make([]string, 0, n), sign: make([]int8, 0, n), digest: make([]uint64, 0, n),
		respondent: make([]string, 0, n), comment: make([]string, 0, n), submitted: make([]int64, 0, n), hasComment: make([]uint8, 0, n),
		segKeys: make([][]string, 0, n), segVals: make([][]string, 0, n), items: make([][]uint32, 0, n), vals: make([][]int64, 0, n),
		textKeys: make([][]string, 0, n), textVals: make([][]string, 0, n),
	}
}

// add appends the row of a response: with sign +1, everything the
// response holds; with sign -1, its tombstone, which keeps its ID, the
// keys (survey, wave, unit, submitted) and the comment flag that the sums
// count, and nothing else.
func (t *responseRows) add(r *rec, b uint32, sign int8) {
	t.survey = append(t.survey, r.survey)
	t.wave = append(t.wave, r.wave)
	t.unit = append(t.unit, r.unit)
	t.batch = append(t.batch, b)
	t.id = append(t.id, string(r.id[:]))
	t.sign = append(t.sign, sign)
	t.submitted = append(t.submitted, r.submitted)
	has := uint8(0)
	if r.comment != "" {
		has = 1
	}
	t.hasComment = append(t.hasComment, has)
	if sign < 0 {
		t.digest = append(t.digest, 0)
		t.respondent = append(t.respondent, "")
		t.comment = append(t.comment, "")
		t.segKeys = append(t.segKeys, []string{})
		t.segVals = append(t.segVals, []string{})
		t.items = append(t.items, []uint32{})
		t.vals = append(t.vals, []int64{})
		t.textKeys = append(t.textKeys, []string{})
		t.textVals = append(t.textVals, []string{})
		return
	}
	t.digest = append(t.digest, r.digest)
	t.respondent = append(t.respondent, r.respondent)
	t.comment = append(t.comment, r.comment)
	t.segKeys = append(t.segKeys, nonNil(r.segKeys))
	t.segVals = append(t.segVals, nonNil(r.segVals))
	t.items = append(t.items, nonNil(r.items))
	t.vals = append(t.vals, nonNil(r.vals))
	t.textKeys = append(t.textKeys, nonNil(r.textKeys))
	t.textVals = append(t.textVals, nonNil(r.textVals))
}

// nonNil returns vs, or an empty slice for nil: an array column takes no
// nil.
func nonNil[T any](vs []T) []T {
	if vs == nil {
		return []T{}
	}
	return vs
}

func (t *responseRows) table(db string) Table {
	return Table{Name: db + ".responses_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit},
		{"id", "FixedString(16)", t.id}, {"batch", "UInt32", t.batch}, {"sign", "Int8", t.sign},
		{"digest", "UInt64", t.digest}, {"respondent", "String", t.respondent}, {"submitted", "Int64", t.submitted},
		{"comment", "String", t.comment}, {"has_comment", "UInt8", t.hasComment},
		{"seg_keys", "Array(String)", t.segKeys}, {"seg_vals", "Array(String)", t.segVals},
		{"items", "Array(UInt32)", t.items}, {"vals", "Array(Int64)", t.vals},
		{"text_keys", "Array(String)", t.textKeys}, {"text_vals", "Array(String)", t.textVals},
	}}
}

// answerRows are rows of the long table of answers, by column.
type answerRows struct {
	survey, wave, unit, item, batch []uint32
	value                           []int64
	sign                            []int8
}

func answerColumns(n int) *answerRows {
	return &answerRows{survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n),
		item: make([]uint32, 0, n), batch: make([]uint32, 0, n), value: make([]int64, 0, n), sign: make([]int8, 0, n)}
}

func (t *answerRows) add(survey, wave, unit, item uint32, value int64, sign int8, b uint32) {
	t.survey = append(t.survey, survey)
	t.wave = append(t.wave, wave)
	t.unit = append(t.unit, unit)
	t.item = append(t.item, item)
	t.value = append(t.value, value)
	t.sign = append(t.sign, sign)
	t.batch = append(t.batch, b)
}

func (t *answerRows) table(db string) Table {
	return Table{Name: db + ".answers_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit},
		{"item", "UInt32", t.item}, {"value", "Int64", t.value}, {"sign", "Int8", t.sign}, {"batch", "UInt32", t.batch},
	}}
}

// patternRows are rows of the long table of patterns, by column.
type patternRows struct {
	survey, wave, unit, grp, batch []uint32
	pattern                        []string
	sign                           []int8
}

func patternColumns(n int) *patternRows {
	return &patternRows{survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n),
		grp: make([]uint32, 0, n), batch: make([]uint32, 0, n), pattern: make([]string, 0, n), sign: make([]int8, 0, n)}
}

func (t *patternRows) add(survey, wave, unit, grp uint32, pattern string, sign int8, b uint32) {
	t.survey = append(t.survey, survey)
	t.wave = append(t.wave, wave)
	t.unit = append(t.unit, unit)
	t.grp = append(t.grp, grp)
	t.pattern = append(t.pattern, pattern)
	t.sign = append(t.sign, sign)
	t.batch = append(t.batch, b)
}

func (t *patternRows) table(db string) Table {
	return Table{Name: db + ".patterns_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit},
		{"grp", "UInt32", t.grp}, {"pattern", "String", t.pattern}, {"sign", "Int8", t.sign}, {"batch", "UInt32", t.batch},
	}}
}
