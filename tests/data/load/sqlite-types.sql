CREATE TABLE types (
	id integer PRIMARY KEY, i8 integer, num text, f4 real, f8 real, b boolean,
	t text, vc varchar(10), by blob, d date, tm time, ts timestamp, tstz timestamptz,
	u uuid, j json, jb json
);
