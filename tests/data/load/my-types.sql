CREATE TABLE types (
	id int PRIMARY KEY, i8 bigint, num decimal(40,20), f4 double, f8 double, b tinyint(1),
	t text, vc varchar(10), `by` blob, d date, tm time(6), ts datetime(6), tstz datetime(6),
	u char(36), j json, jb json
);
