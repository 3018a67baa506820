-- The catalog: org units, the desired culture, surveys, waves and
-- operational observations. Times are microseconds since the Unix epoch
-- (UTC); whole values that are read and written as one are kept as JSON
-- documents beside the columns that lists filter and sort on.

CREATE TABLE cx_units (
	id     TEXT NOT NULL PRIMARY KEY,
	parent TEXT NOT NULL,
	name   TEXT NOT NULL
);

CREATE TABLE cx_frameworks (
	id  TEXT NOT NULL PRIMARY KEY,
	doc TEXT NOT NULL
);

CREATE TABLE cx_indicators (
	id  TEXT NOT NULL PRIMARY KEY,
	doc TEXT NOT NULL
);

CREATE TABLE cx_initiatives (
	id       BLOB NOT NULL PRIMARY KEY,
	start_us INTEGER NOT NULL,
	status   INTEGER NOT NULL,
	doc      TEXT NOT NULL
);
CREATE INDEX cx_initiatives_start ON cx_initiatives (start_us, id);

CREATE TABLE cx_surveys (
	id  TEXT NOT NULL PRIMARY KEY,
	doc TEXT NOT NULL
);

CREATE TABLE cx_waves (
	id       TEXT NOT NULL PRIMARY KEY,
	survey   TEXT NOT NULL,
	opens_us INTEGER NOT NULL,
	doc      TEXT NOT NULL
);
CREATE INDEX cx_waves_opens ON cx_waves (opens_us, id);

-- value has no declared type, hence BLOB affinity: SQLite keeps the
-- float's bits (REAL affinity would turn -0 into 0).
CREATE TABLE cx_observations (
	metric  TEXT NOT NULL,
	unit    TEXT NOT NULL,
	time_us INTEGER NOT NULL,
	value   NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (metric, unit, time_us)
) WITHOUT ROWID;

-- One row per kind of batch write; a batch starts by updating its row,
-- which serializes the batches of that kind.
CREATE TABLE cx_locks (
	name TEXT NOT NULL PRIMARY KEY,
	n    INTEGER NOT NULL
);
INSERT INTO cx_locks (name, n) VALUES ('observations', 0);
