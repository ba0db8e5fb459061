CREATE TABLE rt (id int PRIMARY KEY, i8 bigint, num decimal(30,10), f8 double, b tinyint(1),
	t text, `by` blob, d date, tm time, ts datetime, tstz datetime, u char(36), j json);
