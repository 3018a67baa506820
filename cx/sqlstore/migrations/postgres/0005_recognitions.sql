-- Acts of recognition (culture.Recognition), each as a JSON document
-- beside the columns lists filter and sort on; the initiative as its UUID
-- text, empty when none.

CREATE TABLE cx_recognitions (
	id         BYTEA NOT NULL PRIMARY KEY,
	at_us      BIGINT NOT NULL,
	unit       TEXT COLLATE "C" NOT NULL,
	behavior   TEXT COLLATE "C" NOT NULL,
	initiative TEXT COLLATE "C" NOT NULL,
	doc        TEXT NOT NULL
);
CREATE INDEX cx_recognitions_at ON cx_recognitions (at_us, id);

INSERT INTO cx_locks (name, n) VALUES ('recognitions', 0);
