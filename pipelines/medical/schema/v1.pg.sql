-- old_moh (v1) for PostgreSQL: one users table for staff and patients.
-- Tables and primary keys only; v1-keys.pg.sql adds the foreign keys and
-- indexes after the bulk load (checking them once is faster than per row).
CREATE TABLE users (
	id bigint PRIMARY KEY,
	role varchar(20) NOT NULL,	-- DOCTOR NURSE ADMIN SECRETARY SUPER_ADMIN PATIENT
	full_name varchar(200) NOT NULL,
	email varchar(255),		-- not unique: v1 never enforced it
	phone varchar(40),		-- free text, many formats
	password_hash varchar(100),
	date_of_birth date,
	gender varchar(10),
	address varchar(255),
	created_at timestamp NOT NULL,
	updated_at timestamp
);

CREATE TABLE appointments (
	id bigint PRIMARY KEY,
	patient_id bigint NOT NULL,	-- users.id, a PATIENT
	doctor_id bigint,		-- users.id, staff; NULL when unassigned
	scheduled_at timestamp NOT NULL,
	duration_minutes integer,
	status varchar(20) NOT NULL,
	reason varchar(255),
	notes text,
	created_at timestamp NOT NULL
);

CREATE TABLE visits (
	id bigint PRIMARY KEY,
	appointment_id bigint,		-- NULL for walk-ins
	patient_id bigint NOT NULL,
	doctor_id bigint NOT NULL,
	visited_at timestamp NOT NULL,
	diagnosis varchar(255),
	notes text,
	created_at timestamp NOT NULL
);

CREATE TABLE medical_cases (
	id bigint PRIMARY KEY,
	patient_id bigint NOT NULL,
	doctor_id bigint NOT NULL,
	title varchar(200) NOT NULL,
	description text,
	status varchar(20) NOT NULL,
	opened_at timestamp NOT NULL,
	closed_at timestamp
);

CREATE TABLE prescriptions (
	id bigint PRIMARY KEY,
	medical_case_id bigint,
	patient_id bigint NOT NULL,
	doctor_id bigint NOT NULL,
	medication varchar(120) NOT NULL,
	dosage varchar(60),
	frequency varchar(60),
	instructions text,
	issued_at timestamp NOT NULL,
	valid_until date
);
