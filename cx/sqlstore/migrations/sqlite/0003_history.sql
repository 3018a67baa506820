-- The org chart as its history of dated changes (package cx/org), and
-- every version of each survey.
--
-- cx_org_changes keeps the changes in the order recorded (seq), each as a
-- JSON document; the units stored before are carried over as changes that
-- add them from the start of the history (the zero time).
-- cx_survey_versions keeps every version of each survey; cx_surveys keeps
-- the latest, against which responses are encoded.

CREATE TABLE cx_org_changes (
	seq          INTEGER NOT NULL PRIMARY KEY,
	effective_us INTEGER NOT NULL,
	doc          TEXT NOT NULL
);

INSERT INTO cx_org_changes (seq, effective_us, doc)
SELECT row_number() OVER (ORDER BY id), -62135596800000000,
	json_object('kind', 'add', 'effective', '0001-01-01T00:00:00Z',
		'unit', json_object('id', id, 'parent', parent, 'name', name))
FROM cx_units;

DROP TABLE cx_units;

CREATE TABLE cx_survey_versions (
	id      TEXT NOT NULL,
	version INTEGER NOT NULL,
	doc     TEXT NOT NULL,
	PRIMARY KEY (id, version)
);

INSERT INTO cx_survey_versions (id, version, doc)
SELECT id, json_extract(doc, '$.version'), doc FROM cx_surveys;

INSERT INTO cx_locks (name, n) VALUES ('org', 0);
