CREATE TABLE users (id bigint PRIMARY KEY, role text NOT NULL, full_name text, email text);
CREATE TABLE appointments (id bigint PRIMARY KEY, user_id bigint REFERENCES users(id), at timestamptz);
INSERT INTO users VALUES
 (1, 'DOCTOR', 'Ann Lee', 'ann@example.org'),
 (2, 'PATIENT', 'Bo Lee', 'bo@example.org'),
 (3, 'PATIENT', 'Cy Moe', NULL),
 (4, 'NURSE', 'Di Ray', 'di@example.org'),
 (5, 'PATIENT', 'Ed Fox', 'ed@example.org');
INSERT INTO appointments VALUES
 (10, 2, '2024-01-02 09:00:00+00'), (11, 3, '2024-01-03 10:30:00+00'), (12, 5, '2024-01-04 11:00:00+00');
