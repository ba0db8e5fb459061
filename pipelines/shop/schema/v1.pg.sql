-- The shop's "outdated and poorly structured" v1 (seed 002): everything
-- is text.  Names in one field, addresses free text, prices as people
-- typed them, dates in whatever format the importer of the day wrote, and
-- one wide orders table with a line per product that repeats the
-- customer and the product.
CREATE TABLE old_users (
	id integer PRIMARY KEY,
	name text,
	email text,
	address text,
	phone text,
	signup_date text
);
CREATE TABLE old_products (
	id integer PRIMARY KEY,
	title text,
	description text,
	price text,
	tags text,
	created text
);
CREATE TABLE old_orders (
	id integer PRIMARY KEY,
	order_ref text,
	customer_name text,
	customer_email text,
	shipping_address text,
	product_title text,
	product_price text,
	product_tags text,
	quantity text,
	order_date text,
	status text
);
