-- Responses and their tallies.
--
-- A response whose survey is stored and whose answers fit it is kept as a
-- code: one character per item in survey order ('A' + answer - scale min,
-- '.' when skipped; two characters for scales over 62 points), under the
-- encoding (cx_encodings) of the survey at the time. Other responses keep
-- their answers as JSON, under encoding 0.
--
-- cx_tally_groups and cx_tally_patterns hold the tallies of the stored
-- responses, per survey, encoding, wave and unit (answer counts per item
-- and scale point, respondents, comments) and per survey, encoding, wave
-- and reliability group (response patterns). They change in the same
-- transaction as the responses they count.

CREATE TABLE cx_encodings (
	id         INTEGER NOT NULL PRIMARY KEY,
	descriptor TEXT NOT NULL
);

CREATE TABLE cx_responses (
	id           BLOB NOT NULL PRIMARY KEY,
	survey       TEXT NOT NULL,
	wave         TEXT NOT NULL,
	unit         TEXT NOT NULL,
	respondent   TEXT NOT NULL,
	submitted_us INTEGER NOT NULL,
	comment      TEXT NOT NULL,
	segments     TEXT,
	enc          INTEGER NOT NULL,
	code         TEXT,
	answers      TEXT
);

CREATE TABLE cx_tally_groups (
	survey      TEXT NOT NULL,
	enc         INTEGER NOT NULL,
	wave        TEXT NOT NULL,
	unit        TEXT NOT NULL,
	respondents INTEGER NOT NULL,
	comments    INTEGER NOT NULL,
	counts      BLOB NOT NULL,
	PRIMARY KEY (survey, enc, wave, unit)
);

CREATE TABLE cx_tally_patterns (
	survey TEXT NOT NULL,
	enc    INTEGER NOT NULL,
	wave   TEXT NOT NULL,
	items  TEXT NOT NULL,
	counts BLOB NOT NULL,
	PRIMARY KEY (survey, enc, wave, items)
);

INSERT INTO cx_locks (name, n) VALUES ('responses', 0);
