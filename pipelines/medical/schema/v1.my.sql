-- old_moh (v1) for MariaDB/MySQL: one users table for staff and patients.
-- Tables and primary keys only; v1-keys.my.sql adds the foreign keys and
-- indexes after the bulk load.
CREATE TABLE users (
	id bigint NOT NULL PRIMARY KEY,
	role varchar(20) NOT NULL,
	full_name varchar(200) NOT NULL,
	email varchar(255),
	phone varchar(40),
	password_hash varchar(100),
	date_of_birth date,
	gender varchar(10),
	address varchar(255),
	created_at datetime NOT NULL,
	updated_at datetime
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE appointments (
	id bigint NOT NULL PRIMARY KEY,
	patient_id bigint NOT NULL,
	doctor_id bigint,
	scheduled_at datetime NOT NULL,
	duration_minutes int,
	status varchar(20) NOT NULL,
	reason varchar(255),
	notes text,
	created_at datetime NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE visits (
	id bigint NOT NULL PRIMARY KEY,
	appointment_id bigint,
	patient_id bigint NOT NULL,
	doctor_id bigint NOT NULL,
	visited_at datetime NOT NULL,
	diagnosis varchar(255),
	notes text,
	created_at datetime NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE medical_cases (
	id bigint NOT NULL PRIMARY KEY,
	patient_id bigint NOT NULL,
	doctor_id bigint NOT NULL,
	title varchar(200) NOT NULL,
	description text,
	status varchar(20) NOT NULL,
	opened_at datetime NOT NULL,
	closed_at datetime
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE prescriptions (
	id bigint NOT NULL PRIMARY KEY,
	medical_case_id bigint,
	patient_id bigint NOT NULL,
	doctor_id bigint NOT NULL,
	medication varchar(120) NOT NULL,
	dosage varchar(60),
	frequency varchar(60),
	instructions text,
	issued_at datetime NOT NULL,
	valid_until date
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
