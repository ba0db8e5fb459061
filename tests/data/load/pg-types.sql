CREATE TABLE types (
	id int PRIMARY KEY, i8 bigint, num numeric, f4 real, f8 double precision, b boolean,
	t text, vc varchar(10), by bytea, d date, tm time, ts timestamp(6), tstz timestamptz,
	u uuid, j json, jb jsonb
);
