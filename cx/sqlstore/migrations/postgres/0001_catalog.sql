-- Text keys use the "C" collation so that lists come in byte order.
--
-- The catalog: org units, the desired culture, surveys, waves and
-- operational observations. Times are microseconds since the Unix epoch
-- (UTC); whole values that are read and written as one are kept as JSON
-- documents beside the columns that lists filter and sort on.

CREATE TABLE cx_units (
	id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	parent TEXT COLLATE "C" NOT NULL,
	name   TEXT NOT NULL
);

CREATE TABLE cx_frameworks (
	id  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	doc TEXT NOT NULL
);

CREATE TABLE cx_indicators (
	id  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	doc TEXT NOT NULL
);

CREATE TABLE cx_initiatives (
	id       BYTEA NOT NULL PRIMARY KEY,
	start_us BIGINT NOT NULL,
	status   BIGINT NOT NULL,
	doc      TEXT NOT NULL
);
CREATE INDEX cx_initiatives_start ON cx_initiatives (start_us, id);

CREATE TABLE cx_surveys (
	id  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	doc TEXT NOT NULL
);

CREATE TABLE cx_waves (
	id       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	survey   TEXT COLLATE "C" NOT NULL,
	opens_us BIGINT NOT NULL,
	doc      TEXT NOT NULL
);
CREATE INDEX cx_waves_opens ON cx_waves (opens_us, id);

CREATE TABLE cx_observations (
	metric  TEXT COLLATE "C" NOT NULL,
	unit    TEXT COLLATE "C" NOT NULL,
	time_us BIGINT NOT NULL,
	value   DOUBLE PRECISION NOT NULL,
	n       BIGINT NOT NULL,
	PRIMARY KEY (metric, unit, time_us)
);

-- One row per kind of batch write; a batch starts by updating its row,
-- which serializes the batches of that kind.
CREATE TABLE cx_locks (
	name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	n    BIGINT NOT NULL
);
INSERT INTO cx_locks (name, n) VALUES ('observations', 0);
