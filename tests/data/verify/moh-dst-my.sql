CREATE TABLE users (id bigint PRIMARY KEY, role varchar(20) NOT NULL, full_name varchar(200), email varchar(200) UNIQUE);
CREATE TABLE patients (id char(36) PRIMARY KEY, legacy_id bigint NOT NULL, full_name varchar(200), email varchar(200),
  UNIQUE KEY patients_email (email));
CREATE TABLE appointments (id bigint PRIMARY KEY, patient_id char(36), at datetime,
  CONSTRAINT appointments_patient FOREIGN KEY (patient_id) REFERENCES patients(id));
INSERT INTO users VALUES (1, 'DOCTOR', 'Ann Lee', 'ann@example.org'), (4, 'NURSE', 'Di Ray', 'di@example.org');
INSERT INTO patients VALUES
 ('6f1c5a3e-0000-4000-8000-000000000002', 2, 'Bo Lee', 'bo@example.org'),
 ('6f1c5a3e-0000-4000-8000-000000000003', 3, 'Cy Moe', NULL),
 ('6f1c5a3e-0000-4000-8000-000000000005', 5, 'Ed Fox', 'ed@example.org');
INSERT INTO appointments VALUES
 (10, '6f1c5a3e-0000-4000-8000-000000000002', '2024-01-02 09:00:00'),
 (11, '6f1c5a3e-0000-4000-8000-000000000003', '2024-01-03 10:30:00'),
 (12, '6f1c5a3e-0000-4000-8000-000000000005', '2024-01-04 11:00:00');
