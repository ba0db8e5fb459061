-- old_moh (v1) for MariaDB/MySQL: foreign keys and indexes, after the load.
ALTER TABLE appointments
	ADD FOREIGN KEY (patient_id) REFERENCES users (id),
	ADD FOREIGN KEY (doctor_id) REFERENCES users (id),
	ADD INDEX appointments_scheduled_idx (scheduled_at);
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
ALTER TABLE users
	ADD INDEX users_role_idx (role),
	ADD INDEX users_email_idx (email);
