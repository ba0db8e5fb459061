-- The studio's Streamlit app database (v1), as the seed inventories it:
-- nine tables, two pairs of which overlap (sessions / training_sessions,
-- payments / payment_records).  Times are naive local ISO text.
CREATE TABLE trainers (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	name TEXT NOT NULL,
	email TEXT,
	created_at TIMESTAMP,
	last_login TIMESTAMP,
	failed_login_attempts INTEGER NOT NULL DEFAULT 0,
	locked_until TIMESTAMP
);
CREATE TABLE clients (
	id INTEGER PRIMARY KEY,
	trainer_id INTEGER NOT NULL REFERENCES trainers (id),
	name TEXT NOT NULL,
	email TEXT,
	phone TEXT,
	age INTEGER,
	gender TEXT,
	height REAL,
	weight REAL,
	goals TEXT,
	created_at TIMESTAMP,
	updated_at TIMESTAMP
);
CREATE TABLE assessments (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients (id),
	trainer_id INTEGER NOT NULL REFERENCES trainers (id),
	assessment_date DATE NOT NULL,
	overhead_squat_score INTEGER,
	overhead_squat_notes TEXT,
	push_up_reps INTEGER,
	push_up_score INTEGER,
	single_leg_balance_left REAL,
	single_leg_balance_right REAL,
	single_leg_balance_score INTEGER,
	toe_touch_distance REAL,
	toe_touch_score INTEGER,
	shoulder_mobility_left REAL,
	shoulder_mobility_right REAL,
	shoulder_mobility_score INTEGER,
	farmers_carry_weight REAL,
	farmers_carry_distance REAL,
	farmers_carry_time REAL,
	farmers_carry_score INTEGER,
	harvard_step_hr1 INTEGER,
	harvard_step_hr2 INTEGER,
	harvard_step_hr3 INTEGER,
	harvard_step_score INTEGER,
	plank_duration INTEGER,
	plank_score INTEGER,
	sit_and_reach REAL,
	sit_and_reach_score INTEGER,
	vertical_jump REAL,
	vertical_jump_score INTEGER,
	overall_score REAL,
	notes TEXT,
	created_at TIMESTAMP
);
CREATE TABLE session_packages (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients (id),
	trainer_id INTEGER NOT NULL REFERENCES trainers (id),
	total_amount REAL NOT NULL,
	session_price REAL NOT NULL,
	total_sessions INTEGER NOT NULL,
	remaining_sessions INTEGER NOT NULL,
	remaining_credits REAL NOT NULL,
	vat_rate REAL NOT NULL DEFAULT 0.1,
	card_fee_rate REAL NOT NULL DEFAULT 0.035,
	vat_amount REAL,
	card_fee_amount REAL,
	net_amount REAL,
	fees_calculated BOOLEAN NOT NULL DEFAULT 0,
	is_active BOOLEAN NOT NULL DEFAULT 1,
	created_at TIMESTAMP,
	updated_at TIMESTAMP
);
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients (id),
	trainer_id INTEGER REFERENCES trainers (id),
	package_id INTEGER REFERENCES session_packages (id),
	session_date TIMESTAMP NOT NULL,
	duration INTEGER NOT NULL DEFAULT 60,
	session_type TEXT,
	credits_used REAL NOT NULL DEFAULT 1,
	status TEXT NOT NULL DEFAULT 'completed',
	notes TEXT,
	created_at TIMESTAMP
);
CREATE TABLE training_sessions (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients (id),
	trainer_id INTEGER REFERENCES trainers (id),
	package_id INTEGER REFERENCES session_packages (id),
	session_date TIMESTAMP NOT NULL,
	duration INTEGER NOT NULL DEFAULT 60,
	session_type TEXT,
	credits_used REAL NOT NULL DEFAULT 1,
	status TEXT NOT NULL DEFAULT 'completed',
	notes TEXT,
	created_at TIMESTAMP
);
CREATE TABLE payments (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients (id),
	trainer_id INTEGER REFERENCES trainers (id),
	package_id INTEGER REFERENCES session_packages (id),
	amount REAL NOT NULL,
	payment_method TEXT,
	payment_date TIMESTAMP NOT NULL,
	vat_amount REAL,
	card_fee_amount REAL,
	net_amount REAL,
	description TEXT,
	created_at TIMESTAMP
);
CREATE TABLE payment_records (
	id INTEGER PRIMARY KEY,
	client_id INTEGER NOT NULL REFERENCES clients (id),
	trainer_id INTEGER REFERENCES trainers (id),
	package_id INTEGER REFERENCES session_packages (id),
	amount REAL NOT NULL,
	payment_method TEXT,
	payment_date TIMESTAMP NOT NULL,
	vat_amount REAL,
	card_fee_amount REAL,
	net_amount REAL,
	description TEXT,
	created_at TIMESTAMP
);
CREATE TABLE fee_audit_log (
	id INTEGER PRIMARY KEY,
	package_id INTEGER REFERENCES session_packages (id),
	trainer_id INTEGER REFERENCES trainers (id),
	action TEXT NOT NULL,
	old_values TEXT,
	new_values TEXT,
	changed_by TEXT,
	changed_at TIMESTAMP,
	reason TEXT
);
