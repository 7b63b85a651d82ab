#!/usr/bin/env bash
# follow.sh: pgcopydb's tutorial section "Follow mode, or Change Data Capture", run as
# written, on a throwaway pair of PostgreSQL servers (wal_level=logical) while a write
# load runs on the source.
#
# The sequence in the middle is the tutorial's: connection strings in the environment
# (the source as `dbname=pagila`, libpq's PGHOST/PGPORT/PGUSER pointing at the throwaway
# server), `pgcopydb clone --follow` with the default --dir ($TMPDIR/pgcopydb, here inside
# the temporary directory), pg_stat_replication on the source meanwhile, the load stops
# (the applications are disconnected), `pgcopydb stream sentinel set endpos --current`
# from another shell in the same --dir, the clone exits 0, `pgcopydb stream cleanup`.
# Then: every table has the same rows on both sides (count and md5 in a total order),
# every sequence the same value, and no slot, publication or replication origin remains.
# Exits non-zero on any mismatch.
#
# Data and load: pagila (../shared/data/pagila) when present, with a pgbench script
# that rents, pays (into the partitioned payment table) and updates customers and
# inventory; otherwise pgbench's own tables (pgbench -i, pgbench_history given REPLICA
# IDENTITY FULL as it has no key) and pgbench's default transaction.
# The load starts before the clone and stops LOAD_SECONDS after the follow's slot exists,
# so that changes are both copied and replayed.
# Settings in the environment: LOAD_SECONDS=60 LOAD_RATE=50 (tx/s), FOLLOW_TIMEOUT=300
# (seconds for the clone to exit after endpos).
# Needs what jobs/bin/pgcopydb-demo needs, and pgbench.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOAD_SECONDS=${LOAD_SECONDS:-60} LOAD_RATE=${LOAD_RATE:-50} FOLLOW_TIMEOUT=${FOLLOW_TIMEOUT:-300}
# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
background=()
cleanup() {
	local pid
	for pid in "${background[@]}"; do kill "$pid" 2>/dev/null || true; done
	stop_servers
}
trap cleanup EXIT
say() { echo "follow: $*" >&2; }

say "starting two PostgreSQL servers from $bindir in $work"
source_port=$(start_server source)
target_port=$(start_server target)
psql_on "$source_port" postgres -c 'CREATE DATABASE pagila'
psql_on "$target_port" postgres -c 'CREATE DATABASE pagila'
pagila="$here/../../../shared/data/pagila"
if [[ -d "$pagila" ]]; then
	say "loading pagila into the source"
	load_known_dataset "$source_port" pagila pagila
	cat >"$work/load.sql" <<'SQL'
\set customer random(1, 599)
\set inventory random(1, 4581)
\set staff random(1, 2)
BEGIN;
INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id)
     VALUES (clock_timestamp(), :inventory, :customer, :staff) RETURNING rental_id \gset
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
     VALUES (:customer, :staff, :rental_id, 0.99 + random() * 9, '2022-07-01 02:00+01'::timestamptz + random() * interval '30 days');
UPDATE customer SET last_update = clock_timestamp() WHERE customer_id = :customer;
UPDATE inventory SET last_update = clock_timestamp() WHERE inventory_id = :inventory;
COMMIT;
SQL
	load_args=(-f "$work/load.sql")
else
	say "pagila not found at $pagila: pgbench's tables instead"
	"$bindir/pgbench" -h 127.0.0.1 -p "$source_port" -U postgres -i -q -s 1 pagila >/dev/null 2>&1
	psql_on "$source_port" pagila -c 'ALTER TABLE pgbench_history REPLICA IDENTITY FULL'
	load_args=()
fi

# `pgcopydb` on the PATH is this project's launcher; build the jar now, not in two
# commands at once
mkdir -p "$work/bin"
ln -s "$here/../bin/pgcopydb" "$work/bin/pgcopydb"
"$work/bin/pgcopydb" --version >/dev/null
export PATH="$work/bin:$bindir:$PATH"
export TMPDIR="$work"
export PGHOST=127.0.0.1 PGPORT="$source_port" PGUSER=postgres
cd "$work"

say "write load on the source: $LOAD_RATE tx/s until $LOAD_SECONDS s after the follow's slot exists"
"$bindir/pgbench" -h 127.0.0.1 -p "$source_port" -U postgres -n -c 2 -R "$LOAD_RATE" -T 3600 \
	"${load_args[@]}" pagila >"$work/pgbench.log" 2>&1 &
load_pid=$!
background+=("$load_pid")

# ---- the tutorial, as written ----
export PGCOPYDB_SOURCE_PGURI="dbname=pagila"
export PGCOPYDB_TARGET_PGURI="postgres://postgres@127.0.0.1:$target_port/pagila"

pgcopydb clone --follow &
follow_pid=$!
background+=("$follow_pid")

# while the command is running: the replication progress on the source
slot_seen=""
while kill -0 "$follow_pid" 2>/dev/null; do
	sleep 5
	if [[ -z "$slot_seen" && -n "$(psql_on "$source_port" pagila -At -c "SELECT 1 FROM pg_replication_slots LIMIT 1")" ]]; then
		slot_seen=$(date +%s)
	fi
	if [[ -n "$slot_seen" ]] && (($(date +%s) - slot_seen >= LOAD_SECONDS)); then break; fi
	psql_on "$source_port" pagila -c "
		SELECT application_name, state,
		       pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), write_lsn)) AS write_lag,
		       pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)) AS flush_lag,
		       pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) AS replay_lag, replay_lag AS replay_lag_time
		  FROM pg_stat_replication" || true
done
kill -0 "$load_pid" 2>/dev/null || { say "the write load failed:"; tail -5 "$work/pgbench.log" >&2; exit 1; }
# (SIGTERM: a background command of a script ignores SIGINT)
kill -TERM "$load_pid"
wait "$load_pid" || true
say "load stopped: the applications are disconnected"

# another shell, same --dir
(pgcopydb stream sentinel set endpos --current)

for _ in $(seq 1 "$FOLLOW_TIMEOUT"); do kill -0 "$follow_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$follow_pid" 2>/dev/null; then
	say "clone --follow has not exited ${FOLLOW_TIMEOUT}s after endpos; its sentinel:"
	pgcopydb stream sentinel get >&2 || true
	exit 1
fi
status=0
wait "$follow_pid" || status=$?
[[ $status == 0 ]] || { say "clone --follow exited $status"; exit 1; }

pgcopydb stream sentinel get
pgcopydb stream cleanup
# ---- end of the tutorial ----

# checksums PORT: "table rows md5" for every ordinary table, "sequence value" for every sequence
checksums() {
	local table
	psql_on "$1" pagila -At -c "
		SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" |
		while read -r table; do
			psql_on "$1" pagila -At -F' ' -c "SELECT '$table', count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM $table t"
		done
	psql_on "$1" pagila -At -F' ' -c "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences ORDER BY 1"
}
failed=0
checksums "$source_port" >"$work/source.sums"
checksums "$target_port" >"$work/target.sums"
if diff "$work/source.sums" "$work/target.sums" >&2; then
	say "source = target: $(grep -c . "$work/source.sums") tables and sequences have the same rows and values"
else
	say "source and target differ (lines above: < source, > target)"
	failed=1
fi
leftover=$(psql_on "$source_port" pagila -At -c "
	SELECT string_agg(x, ', ') FROM (SELECT 'slot ' || slot_name AS x FROM pg_replication_slots
	 UNION ALL SELECT 'publication ' || pubname FROM pg_publication) l")
leftover+=$(psql_on "$target_port" pagila -At -c "SELECT string_agg(' origin ' || roname, ',') FROM pg_replication_origin")
if [[ -n "$leftover" ]]; then
	say "stream cleanup left behind: $leftover"
	failed=1
else
	say "stream cleanup left no slot, publication or replication origin"
fi
exit "$failed"
