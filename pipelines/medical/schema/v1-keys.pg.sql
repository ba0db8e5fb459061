-- old_moh (v1) for PostgreSQL: foreign keys and indexes, run after the load.
ALTER TABLE appointments
	ADD FOREIGN KEY (patient_id) REFERENCES users (id),
	ADD FOREIGN KEY (doctor_id) REFERENCES users (id);
ALTER TABLE visits
	ADD FOREIGN KEY (appointment_id) REFERENCES appointments (id),
	ADD FOREIGN KEY (patient_id) REFERENCES users (id),
	ADD FOREIGN KEY (doctor_id) REFERENCES users (id);
ALTER TABLE medical_cases
	ADD FOREIGN KEY (patient_id) REFERENCES users (id),
	ADD FOREIGN KEY (doctor_id) REFERENCES users (id);
ALTER TABLE prescriptions
	ADD FOREIGN KEY (medical_case_id) REFERENCES medical_cases (id),
	ADD FOREIGN KEY (patient_id) REFERENCES users (id),
	ADD FOREIGN KEY (doctor_id) REFERENCES users (id);
CREATE INDEX users_role_idx ON users (role);
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX appointments_patient_idx ON appointments (patient_id);
CREATE INDEX appointments_doctor_idx ON appointments (doctor_id);
CREATE INDEX visits_patient_idx ON visits (patient_id);
CREATE INDEX medical_cases_patient_idx ON medical_cases (patient_id);
CREATE INDEX prescriptions_patient_idx ON prescriptions (patient_id);
ANALYZE;
