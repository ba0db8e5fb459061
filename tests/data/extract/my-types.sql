CREATE TABLE types (
	id int PRIMARY KEY,
	ti tinyint, b tinyint(1), ub tinyint(1) unsigned, si smallint, mi mediumint, bi bigint, ubi bigint unsigned,
	bt bit(1), b9 bit(9), b64 bit(64),
	dc decimal(65,30), dc2 decimal(10,2), f float, dd double,
	d date, dt datetime, dt6 datetime(6), ts timestamp NULL, tm time(3), yr year,
	e enum('small','large'), st set('x','y','z'), j json,
	t text, vc varchar(20), l1 varchar(20) CHARACTER SET latin1, c char(3),
	bl blob, vb varbinary(8), bn binary(4)
);
INSERT INTO types VALUES
(1, -128, 1, 1, -32768, -8388608, -9223372036854775808, 18446744073709551615,
 b'1', b'100000001', b'1111111111111111111111111111111111111111111111111111111111111111',
 '12345678901234567890123456789012345.123456789012345678901234567890', '-0.50', 1.5, 0.1,
 '2024-02-29', '2024-01-02 03:04:05', '2024-01-02 03:04:05.123456', '2024-06-01 10:00:00', '23:59:59.500', 2024,
 'large', 'x,z', '{"a": [1, 2.50], "e": "😀"}',
 'a,b "c"\nd', '', 'café', 'ab', x'00ff10', x'deadbeef', x'01020304'),
(2, 0, 0, 0, 0, 0, 0, 0, b'0', b'0', b'0',
 '-0.000000000000000000000000000001', '0.00', -3.5e38, -1e300,
 '0000-00-00', '0000-00-00 00:00:00', '2020-00-00 00:00:00', NULL, '00:00:00', 1901,
 'small', '', '[]',
 '😀 über', 'é', 'Ÿ', '', '', '', x'00000000'),
(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
