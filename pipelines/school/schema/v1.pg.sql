-- The school platform's v1 schema as Prisma creates it on PostgreSQL:
-- quoted mixed-case identifiers, integer autoincrement ids, TIMESTAMP(3),
-- and one table per kind of person, each with its own login fields.
CREATE TABLE "School" (
	"id" SERIAL NOT NULL,
	"name" TEXT NOT NULL,
	"code" TEXT NOT NULL,
	"country" TEXT NOT NULL,
	"address" TEXT,
	"phone" TEXT,
	"email" TEXT,
	"createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" TIMESTAMP(3) NOT NULL,
	CONSTRAINT "School_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "School_code_key" ON "School"("code");
CREATE TABLE "Teacher" (
	"id" SERIAL NOT NULL,
	"schoolId" INTEGER NOT NULL,
	"fullName" TEXT NOT NULL,
	"email" TEXT,
	"phone" TEXT,
	"passwordHash" TEXT,
	"address" TEXT,
	"createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" TIMESTAMP(3) NOT NULL,
	CONSTRAINT "Teacher_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Parent" (
	"id" SERIAL NOT NULL,
	"schoolId" INTEGER NOT NULL,
	"fullName" TEXT NOT NULL,
	"email" TEXT,
	"phone" TEXT,
	"passwordHash" TEXT,
	"address" TEXT,
	"occupation" TEXT,
	"createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" TIMESTAMP(3) NOT NULL,
	CONSTRAINT "Parent_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Class" (
	"id" SERIAL NOT NULL,
	"schoolId" INTEGER NOT NULL,
	"name" TEXT NOT NULL,
	"level" TEXT NOT NULL,
	"teacherId" INTEGER,
	CONSTRAINT "Class_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Subject" (
	"id" SERIAL NOT NULL,
	"schoolId" INTEGER NOT NULL,
	"name" TEXT NOT NULL,
	"teacherId" INTEGER,
	CONSTRAINT "Subject_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "Student" (
	"id" SERIAL NOT NULL,
	"schoolId" INTEGER NOT NULL,
	"classId" INTEGER,
	"fullName" TEXT NOT NULL,
	"email" TEXT,
	"phone" TEXT,
	"passwordHash" TEXT,
	"address" TEXT,
	"admissionNo" TEXT NOT NULL,
	"dateOfBirth" TIMESTAMP(3),
	"gender" TEXT,
	"createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"updatedAt" TIMESTAMP(3) NOT NULL,
	CONSTRAINT "Student_pkey" PRIMARY KEY ("id")
);
-- Prisma's implicit many-to-many table: A is the Parent, B the Student.
CREATE TABLE "_ParentToStudent" (
	"A" INTEGER NOT NULL,
	"B" INTEGER NOT NULL
);
