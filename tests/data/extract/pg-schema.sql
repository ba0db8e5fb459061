CREATE TABLE parent (id bigint PRIMARY KEY, code text UNIQUE);
CREATE TABLE kid (
	a int, b text, p bigint REFERENCES parent (id) ON DELETE CASCADE,
	note varchar(20) NOT NULL DEFAULT 'x',
	PRIMARY KEY (a, b)
);
CREATE INDEX kid_note ON kid (note);
CREATE UNIQUE INDEX kid_lower ON kid (lower(note));
INSERT INTO parent VALUES (1, 'a'), (2, 'b,"c');
INSERT INTO kid VALUES (1, 'x', 1, 'n1'), (2, 'y', 2, 'n2');
ANALYZE;
