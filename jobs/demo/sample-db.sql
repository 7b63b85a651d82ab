-- pgcopydb sample database: what a database copy tool tends to get wrong, in one
-- small, deterministic script (no random(), no now(): two loads give identical data).
--
-- Load into a new, empty database (as a superuser, PostgreSQL 13 or later):
--   createdb sample && psql -v ON_ERROR_STOP=1 -X -q -d sample -f jobs/demo/sample-db.sql
-- It runs in one transaction: on error nothing is left behind. It needs no extension
-- and no role but the one running it, and uses no psql meta-command.
--
-- What is in it, and the mistake each part catches:
--   schemas public and sales          public already exists on the target
--   public.all_types                  text round trips: NaN, Infinity, huge numerics,
--                                     tabs, newlines, backslashes, "\." and "\N" in
--                                     text, bytea with \000, json vs jsonb, arrays with
--                                     NULL elements, bounds and 2 dimensions,
--                                     +-infinity timestamps, enum, composite, domain
--   public.measurements               200000 rows, a dropped column (attnum gap)
--   public.event_log                  no primary key, duplicate rows, NOT VALID check, rule
--   public.empty_table                nothing to copy
--   public.room_bookings              exclusion constraint (GiST on int4range, no extension)
--   public.employees                  self-referencing foreign key
--   public.invoice_number_seq ...     standalone sequences: odd increments, descending,
--                                     never called (is_called = false)
--   sales.customers                   identity ALWAYS, unique and multi-column unique,
--                                     expression index, trigger, comments
--   sales.products                    identity BY DEFAULT, generated STORED column,
--                                     deferrable unique, CHECK, GIN on jsonb, audit
--                                     trigger (must not fire during the copy)
--   sales.orders                      range-partitioned, 3 partitions incl. DEFAULT,
--                                     partial index
--   sales."Order Items"               name needing quotes, FK ON DELETE CASCADE to a
--                                     partitioned table, column with a space
--   sales."CustomerNotes"             mixed-case name, column with a space, row-level
--                                     security policy
--   views, a materialized view with a unique index, large objects 70001-70004
--                                     (fixed oids; one of 1 MiB, one empty, one commented)

BEGIN;

SET client_min_messages = warning;
SET check_function_bodies = true;

CREATE SCHEMA sales;
COMMENT ON SCHEMA sales IS 'Orders and customers of the sample shop';

-- Types -----------------------------------------------------------------------

CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');
CREATE TYPE public.address AS (street text, city text, zip varchar(10));
COMMENT ON TYPE public.address IS 'A postal address (composite type)';
CREATE DOMAIN public.positive_int AS integer CONSTRAINT positive_int_check CHECK (VALUE > 0);
CREATE DOMAIN public.email AS text CONSTRAINT email_has_at CHECK (VALUE ~ '^[^@]+@[^@]+$');

-- Every column type worth a round trip ---------------------------------------

CREATE TABLE public.all_types (
	id integer PRIMARY KEY,
	c_int2 smallint,
	c_int4 integer,
	c_int8 bigint,
	c_numeric numeric,
	c_numeric_scaled numeric(40, 20),
	c_float4 real,
	c_float8 double precision,
	c_text text,
	c_varchar varchar(40),
	c_char char(5),
	c_bytea bytea,
	c_jsonb jsonb,
	c_json json,
	c_int_array integer[],
	c_text_array text[],
	c_int_matrix integer[][],
	c_timestamp timestamp,
	c_timestamptz timestamptz,
	c_date date,
	c_time time,
	c_timetz timetz,
	c_interval interval,
	c_uuid uuid,
	c_inet inet,
	c_cidr cidr,
	c_macaddr macaddr,
	c_bit bit varying(16),
	c_int4range int4range,
	c_tsvector tsvector,
	c_point point,
	c_mood public.mood,
	c_address public.address,
	c_positive public.positive_int,
	c_email public.email,
	c_bool boolean
);
COMMENT ON TABLE public.all_types IS 'One column per type a copy must round-trip';
COMMENT ON COLUMN public.all_types.c_json IS 'json keeps whitespace, key order and duplicate keys; jsonb does not';

INSERT INTO public.all_types VALUES
	-- ordinary values
	(1, 1, 2, 3, 12.5, 1.5, 1.25, 3.141592653589793,
	 'plain text', 'varchar', 'abc', '\xdeadbeef',
	 '{"a": 1, "b": [true, false, null]}', '{"a": 1}',
	 '{1,2,3}', '{alpha,beta}', '{{1,2},{3,4}}',
	 '2024-02-29 23:59:59.999999', '2024-06-30 12:00:00+02', '2024-02-29', '13:14:15', '13:14:15+05:30',
	 '1 year 2 mons 3 days 04:05:06.789',
	 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03',
	 B'1010', '[1,10)', 'a fat cat sat on a mat', '(1.5,-2.25)',
	 'happy', ROW('Main Street 1', 'Springfield', '12345'), 42, 'alice@example.com', true),
	-- edge values
	(2, -32768, -2147483648, 9223372036854775807, 'NaN',
	 '12345678901234567890.12345678901234567890', 'Infinity', '-Infinity',
	 E'tab\there\nnew line\r\nCRLF \\ backslash ''single'' "double" ünïcödé 日本語 😀',
	 E'\\N', E'a\\.b',
	 '\x00ff00000a0d5c2e0a',
	 '{"nested": {"k": [1, 2.50, null, "x\ty", "\u00e9"]}, "empty": {}, "z": "last"}',
	 '{"b": 1,  "b": 2 , "spaces" :   "kept"}',
	 '{1,NULL,3}', '{NULL,"","NULL","with,comma","with \"quote\"","with\\\\backslash","  spaces  "}',
	 '[0:1][1:2]={{1,NULL},{NULL,4}}',
	 'infinity', '-infinity', '4713-01-01 BC', '24:00:00', '00:00:00-14',
	 '-178000000 years -1 microsecond',
	 '00000000-0000-0000-0000-000000000000', '::1', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff',
	 B'', 'empty', '', '(0,-0)',
	 'sad', ROW(E'Line 1\nLine 2', 'Zürich', NULL), 2147483647, 'x@y', false),
	-- NULL in every nullable column
	(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	 NULL, NULL),
	-- empty rather than NULL
	(4, 0, 0, 0, 0, 0, 0, '-0', '', '', '', '', '{}', '[]', '{}', '{}', '{}',
	 '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '2000-01-01', '00:00:00', '00:00:00+00', '0 seconds',
	 'ffffffff-ffff-ffff-ffff-ffffffffffff', '0.0.0.0/0', '0.0.0.0/0', '00:00:00:00:00:00',
	 B'0', '(,)', '', '(0,0)',
	 'ok', ROW(NULL, NULL, NULL), 1, 'a@b', NULL),
	-- extremes of precision and the float limits
	(5, 32767, 2147483647, -9223372036854775808,
	 '0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001',
	 '-99999999999999999999.99999999999999999999', 'NaN', '2.2250738585072014e-308',
	 repeat('long text ', 1000), repeat('x', 40), 'x', decode(repeat('00', 3000), 'hex'),
	 '[1e1000, -0.0, 1.000000000000000000000000000001]', '[]',
	 '{2147483647,-2147483648}', '{"{}","{a}"}', '{{NULL,NULL},{NULL,NULL}}',
	 '294276-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '5874897-12-31', '23:59:59.999999', '23:59:59-12',
	 '178000000 years',
	 '123e4567-e89b-12d3-a456-426614174000', '255.255.255.255', '192.168.100.128/25', '01:23:45:67:89:ab',
	 B'1111111111111111', '[-2147483648,2147483647)', 'ümlaut:1A ''quoted lexeme'':2B', '(1e300,-1e-300)',
	 'ecstatic', ROW('', '', ''), 7, 'z@z', true);

-- Bulk rows with NULLs sprinkled by position (deterministic)
INSERT INTO public.all_types (id, c_int4, c_numeric, c_float8, c_text, c_bytea, c_jsonb, c_int_array,
	c_timestamptz, c_date, c_interval, c_uuid, c_mood, c_bool)
SELECT i,
	CASE WHEN i % 7 = 0 THEN NULL ELSE i * 3 END,
	CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7.0 END,
	CASE WHEN i % 13 = 0 THEN NULL ELSE i * 0.1 END,
	CASE WHEN i % 5 = 0 THEN NULL ELSE 'row ' || i || E'\twith tab' END,
	CASE WHEN i % 3 = 0 THEN NULL ELSE int4send(i) END,
	CASE WHEN i % 4 = 0 THEN NULL ELSE jsonb_build_object('i', i, 'even', i % 2 = 0) END,
	CASE WHEN i % 6 = 0 THEN NULL ELSE ARRAY[i, NULL, i + 1] END,
	CASE WHEN i % 8 = 0 THEN NULL ELSE '2024-01-01 00:00:00+00'::timestamptz + i * interval '37 minutes' END,
	CASE WHEN i % 9 = 0 THEN NULL ELSE '2024-01-01'::date + i END,
	CASE WHEN i % 10 = 0 THEN NULL ELSE i * interval '1 hour 1 second' END,
	CASE WHEN i % 12 = 0 THEN NULL ELSE md5(i::text)::uuid END,
	CASE WHEN i % 14 = 0 THEN NULL ELSE (enum_range(NULL::public.mood))[1 + i % 4] END,
	CASE WHEN i % 15 = 0 THEN NULL ELSE i % 2 = 0 END
FROM generate_series(100, 1099) AS i;

-- A big table, so a copy is not trivial -------------------------------------

CREATE TABLE public.measurements (
	id bigint PRIMARY KEY,
	sensor_id integer NOT NULL,
	obsolete text,
	taken_at timestamptz NOT NULL,
	value double precision,
	note text
);
-- a dropped column leaves a gap in attnum: copies matching columns by position break
ALTER TABLE public.measurements DROP COLUMN obsolete;
INSERT INTO public.measurements (id, sensor_id, taken_at, value, note)
SELECT i, i % 97,
	'2024-01-01 00:00:00+00'::timestamptz + i * interval '1 minute',
	CASE WHEN i % 1000 = 0 THEN NULL ELSE (i % 1000) / 7.0 END,
	CASE WHEN i % 10 = 0 THEN NULL ELSE 'reading ' || i END
FROM generate_series(1, 200000) AS i;
CREATE INDEX measurements_sensor_taken_idx ON public.measurements (sensor_id, taken_at);

-- No primary key, duplicates, a rule -----------------------------------------

CREATE TABLE public.event_log (
	logged_at timestamptz,
	severity text,
	message text
);
INSERT INTO public.event_log VALUES
	('2024-01-01 10:00:00+00', 'info', 'started'),
	('2024-01-01 10:00:00+00', 'info', 'started'),
	('2024-01-01 10:00:01+00', 'warn', E'disk "/var" at 91%\nsecond line'),
	(NULL, NULL, NULL),
	(NULL, NULL, NULL);
INSERT INTO public.event_log
SELECT '2024-01-02 00:00:00+00'::timestamptz + i * interval '1 second', 'debug', 'tick ' || (i % 10)
FROM generate_series(1, 500) AS i;
ALTER TABLE public.event_log ADD CONSTRAINT event_log_severity_check
	CHECK (severity IN ('debug', 'info', 'warn', 'error')) NOT VALID;
CREATE RULE event_log_keep_errors AS ON DELETE TO public.event_log
	WHERE old.severity = 'error' DO INSTEAD NOTHING;
COMMENT ON RULE event_log_keep_errors ON public.event_log IS 'Errors are kept forever';

CREATE TABLE public.empty_table (
	id integer PRIMARY KEY,
	payload text
);

-- Exclusion constraint without btree_gist: && on ranges has a GiST opclass built in
CREATE TABLE public.room_bookings (
	booking_id integer PRIMARY KEY,
	booked_slots int4range NOT NULL,
	guest text,
	CONSTRAINT room_bookings_no_overlap EXCLUDE USING gist (booked_slots WITH &&)
);
INSERT INTO public.room_bookings
SELECT i, int4range(i * 10, i * 10 + 5), CASE WHEN i % 3 = 0 THEN NULL ELSE 'guest ' || i END
FROM generate_series(1, 100) AS i;
COMMENT ON CONSTRAINT room_bookings_no_overlap ON public.room_bookings IS 'One booking per slot';

-- Self-referencing foreign key: loading in one pass needs the constraint added after the data
CREATE TABLE public.employees (
	employee_id integer PRIMARY KEY,
	full_name text NOT NULL,
	manager_id integer REFERENCES public.employees (employee_id)
);
INSERT INTO public.employees VALUES (1, 'Ada Root', NULL);
INSERT INTO public.employees
SELECT i, 'Employee ' || i, i / 3 + 1
FROM generate_series(2, 40) AS i;

-- Standalone sequences, advanced by nextval ----------------------------------

CREATE SEQUENCE public.invoice_number_seq INCREMENT BY 7 MINVALUE 1000 MAXVALUE 99999999 START WITH 1000 CACHE 5;
SELECT count(nextval('public.invoice_number_seq')) FROM generate_series(1, 13);
CREATE SEQUENCE public.countdown_seq AS integer INCREMENT BY -3 MINVALUE -1000 MAXVALUE 100 START WITH 100 CYCLE;
SELECT count(nextval('public.countdown_seq')) FROM generate_series(1, 5);
CREATE SEQUENCE public.unused_seq START WITH 42;
CREATE SEQUENCE public.reset_seq;
SELECT setval('public.reset_seq', 500, false);

-- sales: customers, products, partitioned orders ----------------------------

CREATE TABLE sales.customers (
	customer_id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10) PRIMARY KEY,
	email public.email NOT NULL,
	full_name text NOT NULL,
	country_code char(2) NOT NULL,
	tax_id text,
	home public.address,
	created_at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00',
	updated_at timestamptz,
	CONSTRAINT customers_email_key UNIQUE (email),
	CONSTRAINT customers_country_tax_id_key UNIQUE (country_code, tax_id)
);
CREATE INDEX customers_lower_email_idx ON sales.customers (lower(email));
COMMENT ON TABLE sales.customers IS 'People who order';
COMMENT ON COLUMN sales.customers.tax_id IS 'NULL for private customers';
COMMENT ON INDEX sales.customers_lower_email_idx IS 'Case-insensitive login lookup';
COMMENT ON CONSTRAINT customers_country_tax_id_key ON sales.customers IS 'A tax id is unique per country';
INSERT INTO sales.customers (email, full_name, country_code, tax_id, home)
SELECT 'customer' || i || '@example.com',
	CASE WHEN i % 50 = 0 THEN E'O''Brien \\ "Jr."' ELSE 'Customer ' || i END,
	(ARRAY['DE', 'FR', 'US', 'JP'])[1 + i % 4],
	CASE WHEN i % 3 = 0 THEN NULL ELSE 'TAX-' || i END,
	CASE WHEN i % 5 = 0 THEN NULL ELSE ROW(i || ' Main St', 'City ' || (i % 17), lpad(i::text, 5, '0'))::public.address END
FROM generate_series(1, 500) AS i;

CREATE FUNCTION sales.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_at := '2099-01-01 00:00:00+00';
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION sales.touch_updated_at() IS 'Deterministic stand-in for now()';
CREATE TRIGGER customers_touch_updated_at BEFORE UPDATE ON sales.customers
	FOR EACH ROW EXECUTE FUNCTION sales.touch_updated_at();

CREATE TABLE sales.products (
	product_id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	sku text NOT NULL,
	name text NOT NULL,
	price numeric(10, 2) NOT NULL,
	tax_rate numeric(4, 3) NOT NULL DEFAULT 0.19,
	price_with_tax numeric(12, 2) GENERATED ALWAYS AS (round(price * (1 + tax_rate), 2)) STORED,
	display_order integer,
	attributes jsonb,
	CONSTRAINT products_sku_key UNIQUE (sku),
	CONSTRAINT products_display_order_key UNIQUE (display_order) DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT products_price_check CHECK (price >= 0)
);
CREATE INDEX products_attributes_idx ON sales.products USING gin (attributes jsonb_path_ops);
COMMENT ON COLUMN sales.products.price_with_tax IS 'Generated: COPY must leave it out';

CREATE TABLE sales.product_audit (
	audit_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	product_id integer NOT NULL,
	action text NOT NULL,
	price numeric(10, 2)
);
CREATE FUNCTION sales.audit_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sales.product_audit (product_id, action, price) VALUES (NEW.product_id, TG_OP, NEW.price);
	RETURN NULL;
END
$$;
-- a copy that lets this fire while loading products doubles sales.product_audit
CREATE TRIGGER products_audit AFTER INSERT OR UPDATE ON sales.products
	FOR EACH ROW EXECUTE FUNCTION sales.audit_product();

-- explicit ids in the BY DEFAULT identity, then some from the sequence
INSERT INTO sales.products (product_id, sku, name, price, display_order, attributes)
SELECT i, 'SKU-' || lpad(i::text, 4, '0'), 'Product ' || i, (i * 3.75)::numeric(10, 2), 41 - i,
	CASE WHEN i % 4 = 0 THEN NULL
		ELSE jsonb_build_object('color', (ARRAY['red', 'green', 'blue'])[1 + i % 3], 'size', i % 5, 'tags', jsonb_build_array('t' || i % 2))
	END
FROM generate_series(1, 40) AS i;
SELECT setval(pg_get_serial_sequence('sales.products', 'product_id'), 40);
INSERT INTO sales.products (sku, name, price, tax_rate, display_order)
VALUES ('SKU-X1', 'Gift card', 0, 0, NULL), ('SKU-X2', E'Caf\u00e9 \\ "latte"', 3.20, 0.07, 100);
-- swap two display positions: legal only because the unique is deferred to commit
UPDATE sales.products SET display_order = CASE product_id WHEN 1 THEN 39 WHEN 2 THEN 40 END WHERE product_id IN (1, 2);

CREATE TYPE sales.order_status AS ENUM ('open', 'paid', 'shipped', 'cancelled');
CREATE TABLE sales.orders (
	order_id bigint NOT NULL,
	order_date date NOT NULL,
	customer_id bigint NOT NULL REFERENCES sales.customers (customer_id),
	status sales.order_status NOT NULL DEFAULT 'open',
	shipping public.address,
	note text,
	PRIMARY KEY (order_id, order_date),
	CONSTRAINT orders_note_length_check CHECK (length(note) < 1000)
) PARTITION BY RANGE (order_date);
CREATE TABLE sales.orders_2023 PARTITION OF sales.orders FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE sales.orders_2024 PARTITION OF sales.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE sales.orders_default PARTITION OF sales.orders DEFAULT;
CREATE INDEX orders_open_by_customer_idx ON sales.orders (customer_id) WHERE status = 'open';
COMMENT ON TABLE sales.orders IS 'Partitioned by order date; the default partition takes the rest';
INSERT INTO sales.orders (order_id, order_date, customer_id, status, note)
SELECT i, '2022-07-01'::date + (i % 1100), 1000 + 10 * (i % 500),
	(enum_range(NULL::sales.order_status))[1 + i % 4],
	CASE WHEN i % 9 = 0 THEN NULL ELSE E'deliver to door\t#' || i END
FROM generate_series(1, 3000) AS i;

CREATE TABLE sales."Order Items" (
	order_id bigint NOT NULL,
	order_date date NOT NULL,
	line_no smallint NOT NULL,
	product_id integer NOT NULL REFERENCES sales.products (product_id),
	quantity integer NOT NULL CHECK (quantity > 0),
	"unit price" numeric(10, 2) NOT NULL,
	PRIMARY KEY (order_id, order_date, line_no),
	FOREIGN KEY (order_id, order_date) REFERENCES sales.orders (order_id, order_date) ON DELETE CASCADE
);
COMMENT ON COLUMN sales."Order Items"."unit price" IS 'Price when ordered';
INSERT INTO sales."Order Items"
SELECT o.order_id, o.order_date, l.line_no, 1 + (o.order_id * l.line_no) % 40, 1 + l.line_no,
	(1 + (o.order_id * l.line_no) % 40) * 3.75
FROM sales.orders AS o, generate_series(1, 3) AS l (line_no)
WHERE o.order_id % 4 <> 0 OR l.line_no = 1;

CREATE TABLE sales."CustomerNotes" (
	note_id integer PRIMARY KEY,
	customer_id bigint REFERENCES sales.customers (customer_id) ON DELETE SET NULL,
	"note text" text,
	author name NOT NULL DEFAULT current_user
);
INSERT INTO sales."CustomerNotes" (note_id, customer_id, "note text", author)
SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE 1000 + 10 * i END,
	CASE WHEN i % 7 = 0 THEN NULL ELSE 'Note ' || i || E' \\ \u2603' END,
	'postgres'
FROM generate_series(1, 60) AS i;
ALTER TABLE sales."CustomerNotes" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "CustomerNotes_author" ON sales."CustomerNotes" USING (author = current_user);
COMMENT ON POLICY "CustomerNotes_author" ON sales."CustomerNotes" IS 'Authors see their own notes';

-- Views ------------------------------------------------------------------------

CREATE VIEW public.all_types_summary AS
	SELECT id, c_text, c_mood, (c_address).city AS city FROM public.all_types WHERE c_bool;
CREATE VIEW sales.order_totals AS
	SELECT o.order_id, o.order_date, o.customer_id, sum(i.quantity * i."unit price") AS total
	FROM sales.orders AS o JOIN sales."Order Items" AS i USING (order_id, order_date)
	GROUP BY o.order_id, o.order_date, o.customer_id;
COMMENT ON VIEW sales.order_totals IS 'Order value from its items';
CREATE MATERIALIZED VIEW sales.customer_revenue AS
	SELECT customer_id, count(*) AS orders, sum(total) AS revenue
	FROM sales.order_totals GROUP BY customer_id;
CREATE UNIQUE INDEX customer_revenue_customer_idx ON sales.customer_revenue (customer_id);

-- Large objects, at fixed oids so two loads compare equal -------------------

SELECT lo_from_bytea(70001, convert_to(E'hello, large object\n', 'UTF8'));
SELECT lo_from_bytea(70002, '\x000102ff00fe5c2e0a00'::bytea);
SELECT lo_from_bytea(70003, convert_to(string_agg(md5(i::text), '' ORDER BY i), 'UTF8'))
FROM generate_series(1, 32768) AS i;
SELECT lo_from_bytea(70004, '');
COMMENT ON LARGE OBJECT 70001 IS 'A greeting';

ANALYZE;

COMMIT;
