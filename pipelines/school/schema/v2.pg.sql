-- The school platform's v2 schema as Prisma creates it on PostgreSQL: one
-- central "User" with "UserRole" rows, profiles per kind of person pointing
-- at "User", and the reference data tables setup.sql fills.  Ids are text
-- (UUIDs) for migrated rows, autoincrement integers for reference data.
CREATE TABLE "PermissionModule" (
	"id" SERIAL PRIMARY KEY,
	"name" TEXT NOT NULL UNIQUE
);
CREATE TABLE "Permission" (
	"id" SERIAL PRIMARY KEY,
	"moduleId" INTEGER NOT NULL REFERENCES "PermissionModule"("id") ON DELETE CASCADE,
	"action" TEXT NOT NULL,
	CONSTRAINT "Permission_moduleId_action_key" UNIQUE ("moduleId", "action")
);
CREATE TABLE "UserType" (
	"id" SERIAL PRIMARY KEY,
	"name" TEXT NOT NULL UNIQUE
);
CREATE TABLE "Role" (
	"id" SERIAL PRIMARY KEY,
	"name" TEXT NOT NULL UNIQUE,
	"userTypeId" INTEGER NOT NULL REFERENCES "UserType"("id")
);
CREATE TABLE "RolePermission" (
	"roleId" INTEGER NOT NULL REFERENCES "Role"("id") ON DELETE CASCADE,
	"permissionId" INTEGER NOT NULL REFERENCES "Permission"("id") ON DELETE CASCADE,
	CONSTRAINT "RolePermission_pkey" PRIMARY KEY ("roleId", "permissionId")
);
CREATE TABLE "GradeSystem" (
	"id" SERIAL PRIMARY KEY,
	"name" TEXT NOT NULL UNIQUE
);
CREATE TABLE "GradeLevel" (
	"id" SERIAL PRIMARY KEY,
	"gradeSystemId" INTEGER NOT NULL REFERENCES "GradeSystem"("id") ON DELETE CASCADE,
	"name" TEXT NOT NULL,
	"minScore" INTEGER NOT NULL CHECK ("minScore" BETWEEN 0 AND 100),
	"maxScore" INTEGER NOT NULL CHECK ("maxScore" BETWEEN 0 AND 100),
	CONSTRAINT "GradeLevel_gradeSystemId_name_key" UNIQUE ("gradeSystemId", "name"),
	CHECK ("minScore" <= "maxScore")
);
CREATE TABLE "Curriculum" (
	"id" SERIAL PRIMARY KEY,
	"name" TEXT NOT NULL UNIQUE,
	"gradeSystemId" INTEGER NOT NULL REFERENCES "GradeSystem"("id")
);
CREATE TABLE "ClassLevel" (
	"id" SERIAL PRIMARY KEY,
	"curriculumId" INTEGER NOT NULL REFERENCES "Curriculum"("id") ON DELETE CASCADE,
	"name" TEXT NOT NULL,
	"order" INTEGER NOT NULL,
	CONSTRAINT "ClassLevel_curriculumId_name_key" UNIQUE ("curriculumId", "name")
);
CREATE TABLE "SubjectCategory" (
	"id" SERIAL PRIMARY KEY,
	"name" TEXT NOT NULL UNIQUE
);
CREATE TABLE "Subject" (
	"id" SERIAL PRIMARY KEY,
	"categoryId" INTEGER NOT NULL REFERENCES "SubjectCategory"("id"),
	"name" TEXT NOT NULL UNIQUE,
	"code" TEXT NOT NULL UNIQUE
);
CREATE TABLE "School" (
	"id" TEXT PRIMARY KEY,
	"legacyId" INTEGER UNIQUE,
	"name" TEXT NOT NULL,
	"code" TEXT NOT NULL UNIQUE,
	"countryCode" CHAR(2) NOT NULL,
	"curriculumId" INTEGER REFERENCES "Curriculum"("id"),
	"street" TEXT,
	"city" TEXT,
	"region" TEXT,
	"postalCode" TEXT,
	"phone" TEXT CHECK ("phone" ~ '^\+[1-9][0-9]{6,14}$'),
	"email" TEXT,
	"createdAt" TIMESTAMP(3) NOT NULL,
	"updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE TABLE "User" (
	"id" TEXT PRIMARY KEY,
	"email" TEXT NOT NULL UNIQUE,
	"phone" TEXT UNIQUE CHECK ("phone" ~ '^\+[1-9][0-9]{6,14}$'),
	"passwordHash" TEXT NOT NULL,
	"firstName" TEXT NOT NULL,
	"middleName" TEXT,
	"lastName" TEXT,
	"userTypeId" INTEGER NOT NULL REFERENCES "UserType"("id"),
	"legacySource" TEXT NOT NULL CHECK ("legacySource" IN ('Teacher', 'Parent', 'Student')),
	"legacyId" INTEGER NOT NULL,
	"isActive" BOOLEAN NOT NULL DEFAULT true,
	"createdAt" TIMESTAMP(3) NOT NULL,
	"updatedAt" TIMESTAMP(3) NOT NULL,
	CONSTRAINT "User_legacySource_legacyId_key" UNIQUE ("legacySource", "legacyId")
);
CREATE TABLE "Address" (
	"id" TEXT PRIMARY KEY,
	"userId" TEXT NOT NULL UNIQUE REFERENCES "User"("id") ON DELETE CASCADE,
	"street" TEXT,
	"city" TEXT,
	"region" TEXT,
	"postalCode" TEXT,
	"countryCode" CHAR(2) NOT NULL
);
CREATE TABLE "UserRole" (
	"userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE CASCADE,
	"roleId" INTEGER NOT NULL REFERENCES "Role"("id"),
	"schoolId" TEXT NOT NULL REFERENCES "School"("id"),
	CONSTRAINT "UserRole_pkey" PRIMARY KEY ("userId", "roleId", "schoolId")
);
CREATE TABLE "TeacherProfile" (
	"id" TEXT PRIMARY KEY,
	"userId" TEXT NOT NULL UNIQUE REFERENCES "User"("id") ON DELETE CASCADE,
	"schoolId" TEXT NOT NULL REFERENCES "School"("id")
);
CREATE TABLE "ParentProfile" (
	"id" TEXT PRIMARY KEY,
	"userId" TEXT NOT NULL UNIQUE REFERENCES "User"("id") ON DELETE CASCADE,
	"schoolId" TEXT NOT NULL REFERENCES "School"("id"),
	"occupation" TEXT
);
CREATE TABLE "Class" (
	"id" TEXT PRIMARY KEY,
	"legacyId" INTEGER UNIQUE,
	"schoolId" TEXT NOT NULL REFERENCES "School"("id"),
	"classLevelId" INTEGER NOT NULL REFERENCES "ClassLevel"("id"),
	"name" TEXT NOT NULL,
	"classTeacherId" TEXT REFERENCES "TeacherProfile"("id") ON DELETE SET NULL,
	CONSTRAINT "Class_schoolId_name_key" UNIQUE ("schoolId", "name")
);
CREATE TABLE "StudentProfile" (
	"id" TEXT PRIMARY KEY,
	"userId" TEXT NOT NULL UNIQUE REFERENCES "User"("id") ON DELETE CASCADE,
	"schoolId" TEXT NOT NULL REFERENCES "School"("id"),
	"classId" TEXT REFERENCES "Class"("id") ON DELETE SET NULL,
	"admissionNo" TEXT NOT NULL,
	"dateOfBirth" DATE,
	"gender" TEXT CHECK ("gender" IN ('MALE', 'FEMALE', 'OTHER')),
	CONSTRAINT "StudentProfile_schoolId_admissionNo_key" UNIQUE ("schoolId", "admissionNo")
);
CREATE TABLE "TeacherSubject" (
	"teacherId" TEXT NOT NULL REFERENCES "TeacherProfile"("id") ON DELETE CASCADE,
	"subjectId" INTEGER NOT NULL REFERENCES "Subject"("id"),
	"schoolId" TEXT NOT NULL REFERENCES "School"("id"),
	CONSTRAINT "TeacherSubject_pkey" PRIMARY KEY ("teacherId", "subjectId")
);
CREATE TABLE "ParentStudent" (
	"parentId" TEXT NOT NULL REFERENCES "ParentProfile"("id") ON DELETE CASCADE,
	"studentId" TEXT NOT NULL REFERENCES "StudentProfile"("id") ON DELETE CASCADE,
	CONSTRAINT "ParentStudent_pkey" PRIMARY KEY ("parentId", "studentId")
);
