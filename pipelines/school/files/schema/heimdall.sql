-- heimdall, the seed's source database: the same text on PostgreSQL and
-- MariaDB (portable types only).
CREATE TABLE heimdall_schools (id int PRIMARY KEY, name varchar(200) NOT NULL, address varchar(400),
	country varchar(8), created timestamp NULL);
CREATE TABLE heimdall_users (id int PRIMARY KEY, username varchar(100) NOT NULL, email varchar(200),
	full_name varchar(200), phone varchar(40), school_id int, is_active varchar(8), created_at timestamp NULL);
CREATE TABLE heimdall_classes (id int PRIMARY KEY, school_id int, title varchar(200), grade varchar(40));
