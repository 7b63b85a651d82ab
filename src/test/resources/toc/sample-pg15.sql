-- Source of the fixtures in this directory (keep the trailing spaces in the .list files:
-- pg_restore --list ends a line with a space when the entry has no owner).
-- Regenerate on a throwaway PostgreSQL 15 server on 127.0.0.1:
--   psql -X -v ON_ERROR_STOP=1 -d postgres -f sample-pg15.sql
--   pg_dump -Fc -f sample-pg15.dump tocdb
--   pg_restore --list sample-pg15.dump > sample-pg15.list
--   pg_dump -Fc --section=post-data -f post.dump tocdb
--   pg_restore --list post.dump > sample-pg15-post-data.list
CREATE DATABASE tocdb;
\c tocdb
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE ROLE reader NOLOGIN;
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'application schema';
CREATE TYPE app.mood AS ENUM ('sad','ok','happy');
CREATE DOMAIN app.posint AS integer CHECK (VALUE > 0);
CREATE TEXT SEARCH CONFIGURATION app.simple_cfg (COPY = pg_catalog.simple);
CREATE SEQUENCE app.counter;
CREATE TABLE app.city (city_id serial PRIMARY KEY, name text NOT NULL, CONSTRAINT city_name_check CHECK (name <> ''));
CREATE TABLE app.address (address_id serial PRIMARY KEY, city_id int NOT NULL REFERENCES app.city(city_id), line text, m app.mood, n app.posint DEFAULT 1);
CREATE INDEX idx_address_line ON app.address (line);
CREATE INDEX idx_address_trgm ON app.address USING gin (line gin_trgm_ops);
COMMENT ON TABLE app.city IS 'cities';
COMMENT ON INDEX app.idx_address_line IS 'line lookups';
COMMENT ON CONSTRAINT city_pkey ON app.city IS 'city key';
CREATE TABLE app."my table" ("the id" int, CONSTRAINT "my table pkey" PRIMARY KEY ("the id"));
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.line := coalesce(NEW.line, ''); RETURN NEW; END$$;
CREATE TRIGGER address_touch BEFORE INSERT ON app.address FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE FUNCTION app.ddl_log() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN RAISE NOTICE 'ddl'; END$$;
CREATE EVENT TRIGGER ddl_log ON ddl_command_end EXECUTE FUNCTION app.ddl_log();
CREATE RULE address_no_delete AS ON DELETE TO app.address WHERE OLD.line = 'keep' DO INSTEAD NOTHING;
ALTER TABLE app.address ENABLE ROW LEVEL SECURITY;
CREATE POLICY address_all ON app.address USING (true);
CREATE MATERIALIZED VIEW app.city_count AS SELECT count(*) AS n FROM app.city;
CREATE UNIQUE INDEX city_count_n ON app.city_count (n);
CREATE VIEW app.city_names AS SELECT name FROM app.city;
CREATE TABLE app.event (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE app.event_2020 PARTITION OF app.event FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE INDEX event_at ON app.event (at);
GRANT SELECT ON app.city TO reader;
GRANT USAGE ON SCHEMA app TO reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO reader;
CREATE PUBLICATION pub_city FOR TABLE app.city;
CREATE STATISTICS app.address_stats ON city_id, line FROM app.address;
INSERT INTO app.city (name) VALUES ('Lyon'), ('Paris');
INSERT INTO app.address (city_id, line) VALUES (1, 'rue'), (2, 'avenue');
REFRESH MATERIALIZED VIEW app.city_count;
SELECT lo_from_bytea(16999, 'hello');
COMMENT ON LARGE OBJECT 16999 IS 'a blob';
SELECT setval('app.counter', 42);
