#!/usr/bin/env bash
# compare-bench.sh: `pgcopydb compare data` next to `pgcopydb clone` of the same data,
# on throwaway servers (issue 12's goals: compare of identical databases in at most half
# the clone's time; locating one changed row in the largest table at most 20 % more).
#
#   a synthetic dataset on the source: $TABLES tables of $ROWS rows (bigint key, int,
#   text, timestamptz, numeric), one table keyed by text (uuid as text) of $ROWS/4 rows
#   and one table without key of $ROWS/4 rows; `pgcopydb clone` to the target (timed);
#   then $ROUNDS rounds of: compare of the identical databases, one row of t1 changed
#   on the target, compare again (must exit 10 and name that row), the row put back.
#
# Usage: jobs/bench/compare-bench.sh    (settings in the environment:)
#   TABLES=4 ROWS=4000000 ROUNDS=3 JOBS=4 PGCOPYDB_JAVA_OPTS=...
# Results go to stdout as a Markdown table with the medians; record them with the
# machine. Needs GNU time and what jobs/bin/pgcopydb needs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
TABLES=${TABLES:-4} ROWS=${ROWS:-4000000} ROUNDS=${ROUNDS:-3} JOBS=${JOBS:-4}

# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
settings=(shared_buffers=512MB max_wal_size=8GB checkpoint_timeout=30min)
source_port=$(start_server source "${settings[@]}")
target_port=$(start_server target "${settings[@]}")
psql_on "$source_port" postgres -c 'CREATE DATABASE bench' >/dev/null
psql_on "$target_port" postgres -c 'CREATE DATABASE bench' >/dev/null
export PGCOPYDB_SOURCE_PGURI="postgres://postgres@127.0.0.1:$source_port/bench"
export PGCOPYDB_TARGET_PGURI="postgres://postgres@127.0.0.1:$target_port/bench"

for i in $(seq 1 "$TABLES"); do
	psql_on "$source_port" bench -c "
		CREATE TABLE t$i (id bigint PRIMARY KEY, a integer, b text, c timestamptz, d numeric(12,2));
		INSERT INTO t$i SELECT g, g % 1000, 'row ' || g || ' ' || md5(g::text),
		       '2020-01-01'::timestamptz + g * interval '1 second', g / 7.0
		  FROM generate_series(1, $ROWS) g;" >/dev/null &
done
psql_on "$source_port" bench -c "
	CREATE TABLE texty (code text PRIMARY KEY, v int);
	INSERT INTO texty SELECT md5(g::text), g FROM generate_series(1, $((ROWS / 4))) g;
	CREATE TABLE keyless (a int, b text);
	INSERT INTO keyless SELECT g % 1000, md5(g::text) FROM generate_series(1, $((ROWS / 4))) g;" >/dev/null &
wait
psql_on "$source_port" bench -c 'VACUUM ANALYZE' >/dev/null
size=$(psql_on "$source_port" bench -At -c "SELECT pg_size_pretty(pg_database_size('bench'))")

# timed LABEL EXPECTED_EXIT COMMAND...: appends "label wall user+sys rss_mb" to $work/times
timed() {
	local label=$1 expected=$2
	shift 2
	local status=0
	/usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$work/$label.out" 2>"$work/$label.err" || status=$?
	if [[ "$status" != "$expected" ]]; then
		echo "$label exited $status, not $expected; last lines:" >&2
		tail -5 "$work/$label.err" >&2
		exit 1
	fi
	read -r wall user sys kb < <(tail -1 "$work/time.txt")
	echo "$label $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }') $((kb / 1024))" >>"$work/times"
}

: >"$work/times"
timed clone 0 "$root/jobs/bin/pgcopydb" clone --dir "$work/run" --pg-bin "$bindir" \
	--table-jobs "$JOBS" --index-jobs "$JOBS" --restore-jobs "$JOBS"
key=$((ROWS / 2 + 17))
for round in $(seq 1 "$ROUNDS"); do
	timed "identical-$round" 0 "$root/jobs/bin/pgcopydb" compare data --table-jobs "$JOBS"
	psql_on "$target_port" bench -c "UPDATE t1 SET b = b || '!' WHERE id = $key" >/dev/null
	timed "one-row-$round" 10 "$root/jobs/bin/pgcopydb" compare data --table-jobs "$JOBS"
	grep -q "(id)=($key)  changed" "$work/one-row-$round.out" || {
		echo "compare data did not name (id)=($key) in round $round:" >&2
		cat "$work/one-row-$round.out" >&2
		exit 1
	}
	psql_on "$target_port" bench -c "UPDATE t1 SET b = left(b, -1) WHERE id = $key" >/dev/null
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
clone_wall=$(awk '$1 == "clone" { print $2 }' "$work/times")
identical=$(awk '$1 ~ /^identical-/ { print $2 }' "$work/times" | median)
one_row=$(awk '$1 ~ /^one-row-/ { print $2 }' "$work/times" | median)

echo "## compare-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') source and target on this machine; dataset: $TABLES tables of $ROWS rows + texty and keyless of $((ROWS / 4)) rows ($size); --table-jobs $JOBS"
echo
echo "| run | wall (s) | CPU user+sys (s) | peak RSS (MB) |"
echo "|---|---|---|---|"
awk '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$work/times"
echo
awk -v c="$clone_wall" -v i="$identical" -v o="$one_row" 'BEGIN {
	printf "- medians: clone %.1f s, compare identical %.1f s (%.2f of the clone; goal at most 0.50), compare with one changed row %.1f s (%.2f of identical; goal at most 1.20)\n", c, i, i / c, o, o / i }'
