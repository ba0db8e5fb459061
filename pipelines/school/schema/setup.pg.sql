-- The v2 reference data the seed's setup_v2.py creates, idempotent: every
-- row is inserted by its natural key unless present (ON CONFLICT DO
-- NOTHING), and references are looked up by natural key, never by id, so
-- running it twice, or after the application added rows, changes nothing.
BEGIN;
INSERT INTO "PermissionModule" ("name") VALUES
	('users'), ('schools'), ('classes'), ('students'), ('grades'), ('attendance'), ('messages')
ON CONFLICT ("name") DO NOTHING;
INSERT INTO "Permission" ("moduleId", "action")
SELECT m."id", a.action FROM "PermissionModule" m
CROSS JOIN (VALUES ('create'), ('read'), ('update'), ('delete')) AS a(action)
ON CONFLICT ("moduleId", "action") DO NOTHING;
INSERT INTO "UserType" ("name") VALUES ('STAFF'), ('PARENT'), ('STUDENT')
ON CONFLICT ("name") DO NOTHING;
INSERT INTO "Role" ("name", "userTypeId")
SELECT r.name, t."id" FROM (VALUES ('SCHOOL_ADMIN', 'STAFF'), ('TEACHER', 'STAFF'),
	('PARENT', 'PARENT'), ('STUDENT', 'STUDENT')) AS r(name, type)
JOIN "UserType" t ON t."name" = r.type
ON CONFLICT ("name") DO NOTHING;
INSERT INTO "RolePermission" ("roleId", "permissionId")
SELECT r."id", p."id" FROM "Role" r JOIN "Permission" p ON true
JOIN "PermissionModule" m ON m."id" = p."moduleId"
WHERE r."name" = 'SCHOOL_ADMIN'
	OR (r."name" = 'TEACHER' AND (m."name" IN ('grades', 'attendance', 'messages') OR p."action" = 'read'))
	OR (r."name" IN ('PARENT', 'STUDENT') AND p."action" = 'read' AND m."name" IN ('grades', 'attendance', 'messages'))
ON CONFLICT DO NOTHING;
INSERT INTO "GradeSystem" ("name") VALUES ('Letter A-F'), ('Percentage')
ON CONFLICT ("name") DO NOTHING;
INSERT INTO "GradeLevel" ("gradeSystemId", "name", "minScore", "maxScore")
SELECT g."id", l.name, l.lo, l.hi FROM "GradeSystem" g
JOIN (VALUES ('Letter A-F', 'A', 90, 100), ('Letter A-F', 'B', 80, 89), ('Letter A-F', 'C', 70, 79),
	('Letter A-F', 'D', 60, 69), ('Letter A-F', 'F', 0, 59),
	('Percentage', 'Pass', 50, 100), ('Percentage', 'Fail', 0, 49)) AS l(sys, name, lo, hi)
	ON l.sys = g."name"
ON CONFLICT ("gradeSystemId", "name") DO NOTHING;
INSERT INTO "Curriculum" ("name", "gradeSystemId")
SELECT c.name, g."id" FROM (VALUES ('National', 'Letter A-F'), ('Cambridge', 'Letter A-F'),
	('CBC', 'Percentage')) AS c(name, sys) JOIN "GradeSystem" g ON g."name" = c.sys
ON CONFLICT ("name") DO NOTHING;
INSERT INTO "ClassLevel" ("curriculumId", "name", "order")
SELECT c."id", 'Grade ' || n, n FROM "Curriculum" c CROSS JOIN generate_series(1, 12) AS n
ON CONFLICT ("curriculumId", "name") DO NOTHING;
INSERT INTO "SubjectCategory" ("name") VALUES ('Languages'), ('Sciences'), ('Humanities'), ('Arts')
ON CONFLICT ("name") DO NOTHING;
INSERT INTO "Subject" ("categoryId", "name", "code")
SELECT k."id", s.name, s.code FROM (VALUES ('Languages', 'English', 'ENG'), ('Languages', 'French', 'FRE'),
	('Sciences', 'Mathematics', 'MAT'), ('Sciences', 'Biology', 'BIO'), ('Sciences', 'Physics', 'PHY'),
	('Humanities', 'History', 'HIS'), ('Humanities', 'Geography', 'GEO'), ('Arts', 'Music', 'MUS'),
	('Arts', 'Art', 'ART')) AS s(cat, name, code) JOIN "SubjectCategory" k ON k."name" = s.cat
ON CONFLICT DO NOTHING;
COMMIT;
