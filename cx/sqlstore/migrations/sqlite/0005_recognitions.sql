-- Acts of recognition (culture.Recognition), each as a JSON document
-- beside the columns lists filter and sort on; the initiative as its UUID
-- text, empty when none.

CREATE TABLE cx_recognitions (
	id         BLOB NOT NULL PRIMARY KEY,
	at_us      INTEGER NOT NULL,
	unit       TEXT NOT NULL,
	behavior   TEXT NOT NULL,
	initiative TEXT NOT NULL,
	doc        TEXT NOT NULL
);
CREATE INDEX cx_recognitions_at ON cx_recognitions (at_us, id);

INSERT INTO cx_locks (name, n) VALUES ('recognitions', 0);
