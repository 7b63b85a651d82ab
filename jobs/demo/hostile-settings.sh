#!/usr/bin/env bash
# hostile-settings.sh: a source and a target whose database and role settings change how
# values print (extra_float_digits, DateStyle, IntervalStyle, bytea_output, TimeZone,
# xmloption, array_nulls, standard_conforming_strings, search_path) and whose target
# cancels statements after one second, on a throwaway pair of PostgreSQL servers. The
# clone copies a table in text COPY format; then every value's settings-independent form
# (float8send, interval_send, ...) is printed from both sides, and the run fails unless
# they are equal.
#
# Usage: jobs/demo/hostile-settings.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
source_port=$(start_server source)
target_port=$(start_server target)
for port in "$source_port" "$target_port"; do
	psql_on "$port" postgres -qc 'CREATE DATABASE app'
done
psql_on "$source_port" app -q <<'SQL'
CREATE TABLE vals (id integer PRIMARY KEY, f8 float8, f4 float4, m money, iv interval,
                   ts timestamptz, b bytea, arr integer[]);
INSERT INTO vals VALUES
  (1, 1.0000000000000002, 1.0000001, 12345.67, '1 year 2 mons -3 days 04:05:06.789',
   '2024-02-29 23:59:59.999999+05:45', '\x00ff5c27', '{1,NULL,3}'),
  (2, 2.2250738585072014e-308, 3.4028235e38, -92233720368547758.08, '-178000000 years',
   '-infinity', '\x', '{NULL}');
SQL
for port in "$source_port" "$target_port"; do
	psql_on "$port" postgres -q <<'SQL'
ALTER DATABASE app SET extra_float_digits = 0;
ALTER DATABASE app SET DateStyle = 'SQL, DMY';
ALTER DATABASE app SET IntervalStyle = 'sql_standard';
ALTER DATABASE app SET bytea_output = 'escape';
ALTER DATABASE app SET TimeZone = 'Pacific/Chatham';
ALTER DATABASE app SET array_nulls = off;
ALTER DATABASE app SET search_path = nowhere;
SQL
done
psql_on "$target_port" postgres -qc "ALTER DATABASE app SET statement_timeout = '1s'"

"$here/../bin/pgcopydb" --version >/dev/null
PGCOPYDB_COPY_FORMAT=text "$here/../bin/pgcopydb" clone --dir "$work/dir" \
	--source "postgres://postgres@127.0.0.1:$source_port/app" \
	--target "postgres://postgres@127.0.0.1:$target_port/app" 2>&1 | grep -E 'ERROR|WARN|complete' || true

query="SELECT id, encode(float8send(f8), 'hex') AS f8, encode(float4send(f4), 'hex') AS f4,
       encode(cash_send(m), 'hex') AS money, encode(interval_send(iv), 'hex') AS interval,
       encode(timestamptz_send(ts), 'hex') AS tstz, encode(b, 'hex') AS bytea,
       encode(array_send(arr), 'hex') AS arr,
       f8::text AS f8_text FROM public.vals ORDER BY id"
settings="SET extra_float_digits = 1; SET search_path = public;"
echo "--- source (send forms, then the value as text with extra_float_digits = 1)"
psql_on "$source_port" app -qc "$settings" -c "$query" | tee "$work/source.txt"
echo "--- target"
psql_on "$target_port" app -qc "$settings" -c "$query" | tee "$work/target.txt"
if diff -q "$work/source.txt" "$work/target.txt" >/dev/null; then
	echo "hostile-settings: every value identical"
else
	echo "hostile-settings: VALUES DIFFER" >&2
	exit 1
fi
