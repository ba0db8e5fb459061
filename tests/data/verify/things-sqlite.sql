CREATE TABLE things (id int PRIMARY KEY, i bigint, f double precision, n numeric(10,2), b boolean,
  t text, bin bytea, d date, tm time, ts timestamp(3), tz timestamptz, u uuid, j jsonb);
INSERT INTO things VALUES
 (1, 42, 1.5, 12.50, true, 'Lee, Bo', X'DEADBEEF', '2024-02-29', '12:34:56.5', '2024-02-29 12:34:56.123',
  '2024-02-29 12:00:00+02', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"b": [true, null], "a": 1}'),
 (2, -7, 0.1, 0, false, '', X'', '1999-12-31', '00:00:00', '1999-12-31 23:59:59',
  '2000-01-01 00:00:00+01', '00000000-0000-0000-0000-000000000000', '[]'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
