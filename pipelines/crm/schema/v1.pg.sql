-- The CRM's original models (seed 000): contacts and patients kept apart
-- though they describe the same people, one table per kind of user,
-- conditions as free text, journeys and appointments in ad-hoc columns,
-- referrals as text.
CREATE TABLE contact (
	id integer PRIMARY KEY,
	first_name text,
	last_name text,
	email text,
	phone text,
	birth_date date,
	company text,
	created_at timestamp NOT NULL
);
CREATE TABLE patient (
	id integer PRIMARY KEY,
	full_name text NOT NULL,
	email text,
	phone text,
	date_of_birth date,
	conditions text,
	intake_date date,
	diagnosis_date date,
	treatment_date date,
	followup_date date,
	last_appointment timestamp,
	next_appointment timestamp,
	doctor_name text,
	referred_by text,
	created_at timestamp NOT NULL
);
CREATE TABLE doctor (
	id integer PRIMARY KEY,
	name text NOT NULL,
	email text,
	phone text,
	specialty text
);
CREATE TABLE nurse (
	id integer PRIMARY KEY,
	name text NOT NULL,
	email text,
	phone text,
	ward text
);
CREATE TABLE admin_user (
	id integer PRIMARY KEY,
	username text NOT NULL UNIQUE,
	email text
);
