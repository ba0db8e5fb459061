SET time_zone = '+00:00';
CREATE TABLE things (id int PRIMARY KEY, i bigint, f double, n decimal(10,2), b boolean,
  t text, bin blob, d date, tm time(6), ts datetime(6), tz timestamp(6) NULL, u char(36), j json);
INSERT INTO things VALUES
 (1, 42, 1.5, 12.50, true, 'Lee, Bo', X'DEADBEEF', '2024-02-29', '12:34:56.5', '2024-02-29 12:34:56.123',
  '2024-02-29 10:00:00', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"b": [true, null], "a": 1}'),
 (2, -7, 0.1, 0, false, '', '', '1999-12-31', '00:00:00', '1999-12-31 23:59:59',
  '1999-12-31 23:00:00', '00000000-0000-0000-0000-000000000000', '[]'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
