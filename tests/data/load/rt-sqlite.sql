CREATE TABLE rt (id integer PRIMARY KEY, i8 integer, num text, f8 real, b boolean,
	t text, by blob, d date, tm time, ts timestamp, tstz timestamptz, u uuid, j json);
