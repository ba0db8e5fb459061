-- The improved models (seed 000): one person with roles, a condition
-- vocabulary, journeys in steps, referrals and appointments between persons.
CREATE TABLE person (
	id uuid PRIMARY KEY,
	first_name varchar(100),
	last_name varchar(100) NOT NULL,
	email varchar(254) UNIQUE CHECK (email = lower(email)),
	phone varchar(20) CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
	date_of_birth date,
	company varchar(200),
	created_at timestamp NOT NULL
);
CREATE TABLE person_role (
	person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
	role varchar(10) NOT NULL CHECK (role IN ('contact', 'patient', 'doctor', 'nurse', 'admin')),
	legacy_id integer NOT NULL,
	PRIMARY KEY (person_id, role),
	UNIQUE (role, legacy_id)
);
CREATE TABLE condition (
	id serial PRIMARY KEY,
	code varchar(10) NOT NULL UNIQUE,
	name varchar(100) NOT NULL UNIQUE
);
CREATE TABLE person_condition (
	person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
	condition_id integer NOT NULL REFERENCES condition (id),
	source_text text NOT NULL,
	PRIMARY KEY (person_id, condition_id)
);
CREATE TABLE patient_journey (
	id uuid PRIMARY KEY,
	person_id uuid NOT NULL UNIQUE REFERENCES person (id) ON DELETE CASCADE,
	started_on date
);
CREATE TABLE journey_step (
	journey_id uuid NOT NULL REFERENCES patient_journey (id) ON DELETE CASCADE,
	step varchar(10) NOT NULL CHECK (step IN ('intake', 'diagnosis', 'treatment', 'followup')),
	step_order smallint NOT NULL CHECK (step_order BETWEEN 1 AND 4),
	occurred_on date NOT NULL,
	PRIMARY KEY (journey_id, step)
);
CREATE TABLE referral (
	id uuid PRIMARY KEY,
	referred_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
	referrer_id uuid REFERENCES person (id) ON DELETE SET NULL,
	referrer_text text,
	CHECK (referrer_id IS NOT NULL OR referrer_text IS NOT NULL)
);
CREATE TABLE appointment (
	id uuid PRIMARY KEY,
	person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
	practitioner_id uuid REFERENCES person (id) ON DELETE SET NULL,
	scheduled_at timestamp NOT NULL,
	status varchar(10) NOT NULL CHECK (status IN ('attended', 'booked'))
);
CREATE INDEX appointment_person_id ON appointment (person_id);
