-- new_moh (v2) for PostgreSQL: staff in users, patients in patients (UUID
-- key stored as char(36)), every reference to a person pointing at the
-- right one of the two.  legacy_user_id keeps the v1 users.id.
--
-- The UUID columns compare byte by byte (COLLATE "C"): lower-case hex
-- sorts the same either way, and the database's default collation would
-- send every comparison of their key and foreign-key indexes through
-- strcoll, about twice the time to build and to validate them.
CREATE TABLE users (
	id bigint PRIMARY KEY,
	legacy_user_id bigint NOT NULL,
	role varchar(20) NOT NULL,
	first_name varchar(100),
	last_name varchar(100),
	full_name varchar(200) NOT NULL,
	email varchar(255),		-- lower case, unique
	phone varchar(20),		-- E.164, NULL when v1's text is not a number
	phone_raw varchar(40),		-- as v1 had it
	password_hash varchar(100),
	created_at timestamp NOT NULL,
	updated_at timestamp,
	CONSTRAINT users_legacy_user_id_key UNIQUE (legacy_user_id),
	CONSTRAINT users_email_key UNIQUE (email),
	CONSTRAINT users_role_check CHECK (role IN ('DOCTOR', 'NURSE', 'ADMIN', 'SECRETARY', 'SUPER_ADMIN'))
);
CREATE INDEX users_role_idx ON users (role);

CREATE TABLE patients (
	id char(36) COLLATE "C" PRIMARY KEY,	-- UUID v5 of the v1 users.id
	legacy_user_id bigint NOT NULL,
	first_name varchar(100),
	middle_name varchar(100),
	last_name varchar(100),
	full_name varchar(200) NOT NULL,
	email varchar(255),		-- lower case, unique
	phone varchar(20),		-- E.164, NULL when v1's text is not a number
	phone_raw varchar(40),		-- as v1 had it
	date_of_birth date,
	gender varchar(10),		-- male female other, or NULL
	address varchar(255),
	blood_type varchar(3),
	emergency_contact_name varchar(200),
	emergency_contact_phone varchar(20),
	insurance_number varchar(40),
	allergies text,
	password_hash varchar(100),
	created_at timestamp NOT NULL,
	updated_at timestamp,
	CONSTRAINT patients_legacy_user_id_key UNIQUE (legacy_user_id),
	CONSTRAINT patients_email_key UNIQUE (email)
);
CREATE INDEX patients_name_idx ON patients (last_name, first_name);
CREATE INDEX patients_date_of_birth_idx ON patients (date_of_birth);

CREATE TABLE appointments (
	id bigint PRIMARY KEY,
	patient_id char(36) COLLATE "C" NOT NULL,
	doctor_id bigint,
	scheduled_at timestamp NOT NULL,
	duration_minutes integer,
	status varchar(20) NOT NULL,
	reason varchar(255),
	notes text,
	created_at timestamp NOT NULL,
	CONSTRAINT appointments_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT appointments_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id)
);
CREATE INDEX appointments_patient_idx ON appointments (patient_id);
CREATE INDEX appointments_doctor_idx ON appointments (doctor_id);
CREATE INDEX appointments_scheduled_idx ON appointments (scheduled_at);

CREATE TABLE visits (
	id bigint PRIMARY KEY,
	appointment_id bigint,
	patient_id char(36) COLLATE "C" NOT NULL,
	doctor_id bigint NOT NULL,
	visited_at timestamp NOT NULL,
	diagnosis varchar(255),
	notes text,
	created_at timestamp NOT NULL,
	CONSTRAINT visits_appointment_id_fkey FOREIGN KEY (appointment_id) REFERENCES appointments (id),
	CONSTRAINT visits_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT visits_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id)
);
CREATE INDEX visits_patient_idx ON visits (patient_id);
CREATE INDEX visits_doctor_idx ON visits (doctor_id);

CREATE TABLE medical_cases (
	id bigint PRIMARY KEY,
	patient_id char(36) COLLATE "C" NOT NULL,
	doctor_id bigint NOT NULL,
	title varchar(200) NOT NULL,
	description text,
	status varchar(20) NOT NULL,
	opened_at timestamp NOT NULL,
	closed_at timestamp,
	CONSTRAINT medical_cases_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT medical_cases_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id)
);
CREATE INDEX medical_cases_patient_idx ON medical_cases (patient_id);
CREATE INDEX medical_cases_doctor_idx ON medical_cases (doctor_id);

CREATE TABLE prescriptions (
	id bigint PRIMARY KEY,
	medical_case_id bigint,
	patient_id char(36) COLLATE "C" NOT NULL,
	doctor_id bigint NOT NULL,
	medication varchar(120) NOT NULL,
	dosage varchar(60),
	frequency varchar(60),
	instructions text,
	issued_at timestamp NOT NULL,
	valid_until date,
	CONSTRAINT prescriptions_medical_case_id_fkey FOREIGN KEY (medical_case_id) REFERENCES medical_cases (id),
	CONSTRAINT prescriptions_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT prescriptions_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id)
);
CREATE INDEX prescriptions_patient_idx ON prescriptions (patient_id);
CREATE INDEX prescriptions_case_idx ON prescriptions (medical_case_id);
