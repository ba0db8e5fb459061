-- The v2 schema of the "split and rekey only" bench scenario (bench/lite):
-- staff users keyed 1, 2, ..., patients keyed by UUID v5 of the v1 id,
-- appointments and medical_cases pointing at both.  Primary keys, the
-- legacy ids unique, foreign keys and their indexes; timestamps with their
-- zone.  No unique e-mail: the light cleaning only lower-cases it, and v1
-- has duplicates.
CREATE TABLE users (
	id bigint PRIMARY KEY,
	legacy_user_id bigint NOT NULL UNIQUE,
	role varchar(20) NOT NULL,
	first_name varchar(100),
	last_name varchar(100),
	full_name varchar(200) NOT NULL,
	email varchar(255),
	phone varchar(40),
	password_hash varchar(100),
	created_at timestamptz NOT NULL,
	updated_at timestamptz
);
CREATE TABLE patients (
	id char(36) COLLATE "C" PRIMARY KEY,
	legacy_user_id bigint NOT NULL UNIQUE,
	first_name varchar(100),
	last_name varchar(100),
	full_name varchar(200) NOT NULL,
	email varchar(255),
	phone varchar(40),
	date_of_birth date,
	gender varchar(10),
	address varchar(255),
	password_hash varchar(100),
	created_at timestamptz NOT NULL,
	updated_at timestamptz
);
CREATE TABLE appointments (
	id bigint PRIMARY KEY,
	patient_id char(36) COLLATE "C" NOT NULL REFERENCES patients (id),
	doctor_id bigint REFERENCES users (id),
	scheduled_at timestamptz NOT NULL,
	duration_minutes integer,
	status varchar(20) NOT NULL,
	reason varchar(255),
	notes text,
	created_at timestamptz NOT NULL
);
CREATE INDEX appointments_patient_idx ON appointments (patient_id);
CREATE INDEX appointments_doctor_idx ON appointments (doctor_id);
CREATE TABLE medical_cases (
	id bigint PRIMARY KEY,
	patient_id char(36) COLLATE "C" NOT NULL REFERENCES patients (id),
	doctor_id bigint NOT NULL REFERENCES users (id),
	title varchar(200) NOT NULL,
	description text,
	status varchar(20) NOT NULL,
	opened_at timestamptz NOT NULL,
	closed_at timestamptz
);
CREATE INDEX medical_cases_patient_idx ON medical_cases (patient_id);
CREATE INDEX medical_cases_doctor_idx ON medical_cases (doctor_id);
