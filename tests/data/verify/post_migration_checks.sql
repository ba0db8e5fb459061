-- post_migration_checks.sql: written by mig-verify 0.1.0
-- Every query returns one row: check, expected, actual.  A row where
-- actual differs from expected is a failed check.

-- moh.checks:2: counts SRC.users = DST.users + DST.patients
-- on SRC (SRC_URL)
SELECT 'expected' AS side, 'SRC.users' AS item, count(*) AS n FROM "users";
-- on DST (mysql://root@localhost/DST_DB)
SELECT 'actual' AS side, 'DST.users' AS item, count(*) AS n FROM `users`;
-- on DST (mysql://root@localhost/DST_DB)
SELECT 'actual' AS side, 'DST.patients' AS item, count(*) AS n FROM `patients`;
-- the expected items' n add up to the actual items' n

-- moh.checks:3: counts SRC.users where role = 'PATIENT' = DST.patients
-- on SRC (SRC_URL)
SELECT 'expected' AS side, 'SRC.users where role = ''PATIENT''' AS item, count(*) AS n FROM "users" WHERE role = 'PATIENT';
-- on DST (mysql://root@localhost/DST_DB)
SELECT 'actual' AS side, 'DST.patients' AS item, count(*) AS n FROM `patients`;
-- the expected items' n add up to the actual items' n

-- moh.checks:4: counts SRC.appointments = DST.appointments
-- on SRC (SRC_URL)
SELECT 'expected' AS side, 'SRC.appointments' AS item, count(*) AS n FROM "appointments";
-- on DST (mysql://root@localhost/DST_DB)
SELECT 'actual' AS side, 'DST.appointments' AS item, count(*) AS n FROM `appointments`;
-- the expected items' n add up to the actual items' n

-- moh.checks:5: crosswalk patients.csv SRC.users(id) where role = 'PATIENT' -> DST.patients(id): reads a crosswalk file; run mig-verify

-- moh.checks:6: fk DST
-- on DST (mysql://root@localhost/DST_DB)
SELECT 'appointments.appointments_patient' AS "check", 0 AS expected, count(*) AS actual FROM `appointments` _c WHERE _c.`patient_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `patients` _p WHERE _p.`id` = _c.`patient_id`);

-- moh.checks:7: unique DST
-- on DST (mysql://root@localhost/DST_DB)
SELECT 'appointments(id)' AS "check", 0 AS expected, count(*) AS actual FROM (SELECT count(*) AS _n FROM `appointments` WHERE `id` IS NOT NULL GROUP BY `id` HAVING count(*) > 1) _d;
SELECT 'patients(id)' AS "check", 0 AS expected, count(*) AS actual FROM (SELECT count(*) AS _n FROM `patients` WHERE `id` IS NOT NULL GROUP BY `id` HAVING count(*) > 1) _d;
SELECT 'patients(email)' AS "check", 0 AS expected, count(*) AS actual FROM (SELECT count(*) AS _n FROM `patients` WHERE `email` IS NOT NULL GROUP BY `email` HAVING count(*) > 1) _d;
SELECT 'users(id)' AS "check", 0 AS expected, count(*) AS actual FROM (SELECT count(*) AS _n FROM `users` WHERE `id` IS NOT NULL GROUP BY `id` HAVING count(*) > 1) _d;
SELECT 'users(email)' AS "check", 0 AS expected, count(*) AS actual FROM (SELECT count(*) AS _n FROM `users` WHERE `email` IS NOT NULL GROUP BY `email` HAVING count(*) > 1) _d;

-- moh.checks:8: unique DST.patients(email)
-- on DST (mysql://root@localhost/DST_DB)
SELECT 'patients(email)' AS "check", 0 AS expected, count(*) AS actual FROM (SELECT count(*) AS _n FROM `patients` WHERE `email` IS NOT NULL GROUP BY `email` HAVING count(*) > 1) _d;
