-- odin, the target (PostgreSQL): what the mappings in mappings.txt load.
CREATE TABLE IF NOT EXISTS odin_institutions (
	id int PRIMARY KEY,
	name text NOT NULL,
	street text, city text, postal_code text,
	country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
	created_at timestamptz);
CREATE TABLE IF NOT EXISTS odin_users (
	id int PRIMARY KEY,
	username text NOT NULL UNIQUE,
	email text UNIQUE CHECK (email = lower(email)),
	first_name text, last_name text,
	phone text,
	institution_id int NOT NULL REFERENCES odin_institutions,
	active boolean NOT NULL,
	created_at timestamptz);
-- the JSON configuration files, one row per leaf (an array is one value)
CREATE TABLE IF NOT EXISTS odin_settings (
	file text NOT NULL,
	key text NOT NULL,
	value jsonb,
	PRIMARY KEY (file, key));
-- the CSV sample files
CREATE TABLE IF NOT EXISTS odin_sample_grades (
	student_ref text NOT NULL,
	subject text NOT NULL,
	score numeric(4,1) NOT NULL CHECK (score BETWEEN 0 AND 100),
	recorded_at timestamptz NOT NULL,
	PRIMARY KEY (student_ref, subject, recorded_at));
CREATE TABLE IF NOT EXISTS odin_sample_attendance (
	student_ref text NOT NULL,
	day date NOT NULL,
	present boolean NOT NULL,
	PRIMARY KEY (student_ref, day));
