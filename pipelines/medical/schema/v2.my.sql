-- new_moh (v2) for MariaDB/MySQL: staff in users, patients in patients (UUID
-- key stored as char(36)), every reference to a person pointing at the
-- right one of the two.  legacy_user_id keeps the v1 users.id.
CREATE TABLE users (
	id bigint NOT NULL PRIMARY KEY,
	legacy_user_id bigint NOT NULL,
	role varchar(20) NOT NULL,
	first_name varchar(100),
	last_name varchar(100),
	full_name varchar(200) NOT NULL,
	email varchar(255),
	phone varchar(20),
	phone_raw varchar(40),
	password_hash varchar(100),
	created_at datetime NOT NULL,
	updated_at datetime,
	CONSTRAINT users_legacy_user_id_key UNIQUE (legacy_user_id),
	CONSTRAINT users_email_key UNIQUE (email),
	CONSTRAINT users_role_check CHECK (role IN ('DOCTOR', 'NURSE', 'ADMIN', 'SECRETARY', 'SUPER_ADMIN')),
	INDEX users_role_idx (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE patients (
	id char(36) NOT NULL PRIMARY KEY,
	legacy_user_id bigint NOT NULL,
	first_name varchar(100),
	middle_name varchar(100),
	last_name varchar(100),
	full_name varchar(200) NOT NULL,
	email varchar(255),
	phone varchar(20),
	phone_raw varchar(40),
	date_of_birth date,
	gender varchar(10),
	address varchar(255),
	blood_type varchar(3),
	emergency_contact_name varchar(200),
	emergency_contact_phone varchar(20),
	insurance_number varchar(40),
	allergies text,
	password_hash varchar(100),
	created_at datetime NOT NULL,
	updated_at datetime,
	CONSTRAINT patients_legacy_user_id_key UNIQUE (legacy_user_id),
	CONSTRAINT patients_email_key UNIQUE (email),
	INDEX patients_name_idx (last_name, first_name),
	INDEX patients_date_of_birth_idx (date_of_birth)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE appointments (
	id bigint NOT NULL PRIMARY KEY,
	patient_id char(36) NOT NULL,
	doctor_id bigint,
	scheduled_at datetime NOT NULL,
	duration_minutes int,
	status varchar(20) NOT NULL,
	reason varchar(255),
	notes text,
	created_at datetime NOT NULL,
	CONSTRAINT appointments_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT appointments_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id),
	INDEX appointments_scheduled_idx (scheduled_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE visits (
	id bigint NOT NULL PRIMARY KEY,
	appointment_id bigint,
	patient_id char(36) NOT NULL,
	doctor_id bigint NOT NULL,
	visited_at datetime NOT NULL,
	diagnosis varchar(255),
	notes text,
	created_at datetime NOT NULL,
	CONSTRAINT visits_appointment_id_fkey FOREIGN KEY (appointment_id) REFERENCES appointments (id),
	CONSTRAINT visits_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT visits_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE medical_cases (
	id bigint NOT NULL PRIMARY KEY,
	patient_id char(36) NOT NULL,
	doctor_id bigint NOT NULL,
	title varchar(200) NOT NULL,
	description text,
	status varchar(20) NOT NULL,
	opened_at datetime NOT NULL,
	closed_at datetime,
	CONSTRAINT medical_cases_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT medical_cases_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE prescriptions (
	id bigint NOT NULL PRIMARY KEY,
	medical_case_id bigint,
	patient_id char(36) NOT NULL,
	doctor_id bigint NOT NULL,
	medication varchar(120) NOT NULL,
	dosage varchar(60),
	frequency varchar(60),
	instructions text,
	issued_at datetime NOT NULL,
	valid_until date,
	CONSTRAINT prescriptions_medical_case_id_fkey FOREIGN KEY (medical_case_id) REFERENCES medical_cases (id),
	CONSTRAINT prescriptions_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
	CONSTRAINT prescriptions_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
