CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE types (
	id int PRIMARY KEY,
	i2 smallint, i8 bigint, num numeric(40,20), nnum numeric, f4 real, f8 double precision,
	b boolean, t text, vc varchar(10), by bytea, d date, tm time, ts timestamp(6),
	tstz timestamptz, iv interval, u uuid, j json, jb jsonb, arr int[], tarr text[], m mood
);
INSERT INTO types VALUES
(1, -32768, 9223372036854775807, 12345678901234567890.12345678901234567890, 'NaN', 3.4028235e38, 0.1,
 true, 'a,b "c"' || chr(10) || 'd', '', '\x00ff10', '2024-02-29', '23:59:59.999999', '2024-01-02 03:04:05.123456',
 '2024-06-01 12:00:00+02', 'P1Y2M3DT4H5M6.5S', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"a": [1, 2.50]}', '{"b": 1, "a": "x"}',
 '{1,NULL,3}', '{"x,y","z"}', 'happy'),
(2, NULL, -9223372036854775808, -0.00000000000000000001, '-1e-30', '-Infinity', 'NaN',
 false, '😀 über', 'é', '', '0001-01-01', '00:00:00', '1970-01-01 00:00:00',
 '1999-12-31 23:59:59.5-08', '-1 day', NULL, 'null', '[]', '{}', '{}', 'sad'),
(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
