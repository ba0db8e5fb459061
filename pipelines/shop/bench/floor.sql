-- floor.sql - the shop clean-up written as one SQL script run by
-- PostgreSQL inside the v1 database (the v2 tables created beside v1):
-- the floor the mig pipeline is measured against by bench.sh.  The same
-- rules as rules/*.map, as far as SQL says them in a few lines.
\set ON_ERROR_STOP 1
BEGIN;
CREATE FUNCTION pg_temp.d(t text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
	WHEN t ~ '^\d{4}-\d{2}-\d{2}$' THEN t::date
	WHEN t ~ '^\d{2}/\d{2}/\d{4}$' THEN to_date(t, 'DD/MM/YYYY')
	WHEN t ~ '^[A-Z][a-z]+ \d{1,2}, \d{4}$' THEN to_date(t, 'FMMonth DD, YYYY')
	WHEN t ~ '^\d{1,2} [A-Z][a-z]{2} \d{4}$' THEN to_date(t, 'DD Mon YYYY')
	WHEN t ~ '^\d+$' THEN (to_timestamp(t::bigint) AT TIME ZONE 'UTC')::date END $$;
CREATE FUNCTION pg_temp.m(t text) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
	WHEN lower(btrim(t)) = 'free' THEN 0
	WHEN t ~ '€|EUR' THEN nullif(replace(replace(regexp_replace(t, '[^0-9,.]', '', 'g'), '.', ''), ',', '.'), '')::numeric
	ELSE nullif(regexp_replace(t, '[^0-9.]', '', 'g'), '')::numeric END $$;
CREATE FUNCTION pg_temp.c(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN t ~ '€|EUR' THEN 'EUR' WHEN t ~ '£|GBP' THEN 'GBP' WHEN t ~ '[$]|USD' THEN 'USD' END $$;
INSERT INTO users (id, email, first_name, last_name, phone, created_at, legacy_ids)
SELECT row_number() OVER (ORDER BY min(id)), e, (array_agg(split_part(n, ' ', 1) ORDER BY id))[1],
	(array_agg(regexp_replace(n, '^.* ', '') ORDER BY id))[1],
	(array_agg('+49' || regexp_replace(substr(phone, 4), '\D', '', 'g') ORDER BY id))[1],
	(array_agg(pg_temp.d(signup_date) ORDER BY id))[1], array_agg(id ORDER BY id)
FROM (SELECT *, lower(btrim(email)) AS e, regexp_replace(btrim(name), '\s+', ' ', 'g') AS n FROM old_users) u GROUP BY e;
INSERT INTO addresses (id, user_id, street, city, postal_code, country)
SELECT u.id, u.id, btrim(split_part(o.address, ',', 1)), btrim(split_part(o.address, ',', 2)),
	btrim(split_part(o.address, ',', 3)), upper(btrim(split_part(o.address, ',', 4)))
FROM users u JOIN old_users o ON o.id = u.legacy_ids[1];
INSERT INTO products (id, title, description, price, currency, created_at)
SELECT DISTINCT ON (title) id, title, description, pg_temp.m(price), coalesce(pg_temp.c(price), 'USD'), pg_temp.d(created)
FROM old_products WHERE pg_temp.m(price) IS NOT NULL ORDER BY title, id;
INSERT INTO tags (name) SELECT DISTINCT lower(regexp_replace(btrim(t), '\s+', ' ', 'g'))
FROM products p JOIN old_products o USING (id), unnest(string_to_array(o.tags, ',')) t WHERE btrim(t) <> '';
INSERT INTO product_tags SELECT DISTINCT p.id, g.id
FROM products p JOIN old_products o USING (id), unnest(string_to_array(o.tags, ',')) t
JOIN tags g ON g.name = lower(regexp_replace(btrim(t), '\s+', ' ', 'g'));
CREATE TEMP TABLE l AS SELECT o.id, order_ref, lower(btrim(customer_email)) AS e, p.id AS product_id,
	btrim(quantity)::int AS q, pg_temp.m(product_price) AS up, pg_temp.c(product_price) AS cur, p.currency AS pcur,
	pg_temp.d(order_date) AS day, lower(btrim(status)) AS st
FROM old_orders o JOIN products p ON p.title = regexp_replace(btrim(o.product_title), '\s+', ' ', 'g')
WHERE btrim(quantity) ~ '^\d+$' AND pg_temp.m(product_price) IS NOT NULL;
INSERT INTO orders (id, order_ref, user_id, order_date, status, total, currency)
SELECT row_number() OVER (ORDER BY order_ref), order_ref, min(u.id), min(day), min(st), sum(q * up),
	coalesce((array_agg(cur ORDER BY l.id) FILTER (WHERE cur IS NOT NULL))[1], (array_agg(pcur ORDER BY l.id))[1])
FROM l JOIN users u ON u.email = l.e GROUP BY order_ref;
INSERT INTO order_items (id, order_id, product_id, quantity, unit_price, legacy_line_id)
SELECT l.id, o.id, product_id, q, up, l.id FROM l JOIN orders o USING (order_ref);
COMMIT;
