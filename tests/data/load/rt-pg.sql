CREATE TABLE rt (id int PRIMARY KEY, i8 bigint, num numeric(30,10), f8 double precision, b boolean,
	t text, by bytea, d date, tm time, ts timestamp, tstz timestamptz, u uuid, j json);
