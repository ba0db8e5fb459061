-- The school platform's v1 schema as Prisma creates it on MariaDB/MySQL
-- (provider "mysql"): the same tables, columns and names as v1.pg.sql,
-- INT AUTO_INCREMENT ids, DATETIME(3), VARCHAR(191) for Prisma's String,
-- backquoted mixed-case names.  Foreign keys and indexes after the bulk
-- load (v1-keys.my.sql).
CREATE TABLE `School` (
	`id` INT NOT NULL AUTO_INCREMENT,
	`name` VARCHAR(191) NOT NULL,
	`code` VARCHAR(191) NOT NULL,
	`country` VARCHAR(191) NOT NULL,
	`address` VARCHAR(191) NULL,
	`phone` VARCHAR(191) NULL,
	`email` VARCHAR(191) NULL,
	`createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updatedAt` DATETIME(3) NOT NULL,
	PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Teacher` (
	`id` INT NOT NULL AUTO_INCREMENT,
	`schoolId` INT NOT NULL,
	`fullName` VARCHAR(191) NOT NULL,
	`email` VARCHAR(191) NULL,
	`phone` VARCHAR(191) NULL,
	`passwordHash` VARCHAR(191) NULL,
	`address` VARCHAR(191) NULL,
	`createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updatedAt` DATETIME(3) NOT NULL,
	PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Parent` (
	`id` INT NOT NULL AUTO_INCREMENT,
	`schoolId` INT NOT NULL,
	`fullName` VARCHAR(191) NOT NULL,
	`email` VARCHAR(191) NULL,
	`phone` VARCHAR(191) NULL,
	`passwordHash` VARCHAR(191) NULL,
	`address` VARCHAR(191) NULL,
	`occupation` VARCHAR(191) NULL,
	`createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updatedAt` DATETIME(3) NOT NULL,
	PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Class` (
	`id` INT NOT NULL AUTO_INCREMENT,
	`schoolId` INT NOT NULL,
	`name` VARCHAR(191) NOT NULL,
	`level` VARCHAR(191) NOT NULL,
	`teacherId` INT NULL,
	PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Subject` (
	`id` INT NOT NULL AUTO_INCREMENT,
	`schoolId` INT NOT NULL,
	`name` VARCHAR(191) NOT NULL,
	`teacherId` INT NULL,
	PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Student` (
	`id` INT NOT NULL AUTO_INCREMENT,
	`schoolId` INT NOT NULL,
	`classId` INT NULL,
	`fullName` VARCHAR(191) NOT NULL,
	`email` VARCHAR(191) NULL,
	`phone` VARCHAR(191) NULL,
	`passwordHash` VARCHAR(191) NULL,
	`address` VARCHAR(191) NULL,
	`admissionNo` VARCHAR(191) NOT NULL,
	`dateOfBirth` DATETIME(3) NULL,
	`gender` VARCHAR(191) NULL,
	`createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updatedAt` DATETIME(3) NOT NULL,
	PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
-- Prisma's implicit many-to-many table: A is the Parent, B the Student.
CREATE TABLE `_ParentToStudent` (
	`A` INT NOT NULL,
	`B` INT NOT NULL
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
