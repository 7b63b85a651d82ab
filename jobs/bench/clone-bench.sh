#!/usr/bin/env bash
# clone-bench.sh: measure `pgcopydb clone` wall time and peak memory on throwaway
# servers, next to `pg_dump -Fd -j | pg_restore -j` and, when installed, the C
# pgcopydb, on the same data and the same machine.
#
# Usage: jobs/bench/clone-bench.sh [--dataset sample|pagila|synthetic] [--tables N]
#                                  [--rows N] [--jobs N] [--compare] [-- clone options]
#   sample     jobs/demo/sample-db.sql
#   pagila     ../shared/data/pagila (schema + data)
#   synthetic  N tables (default 4) of N rows (default 1000000): bigint key, int,
#              text, timestamptz, numeric, plus one secondary index each
# --jobs N sets --table-jobs/--index-jobs/--restore-jobs and pg_dump/pg_restore -j
# (default 4). --compare also times pg_dump|pg_restore and the C pgcopydb.
# JVM options come from PGCOPYDB_JAVA_OPTS (e.g. -Xmx256m to show bounded memory).
# Results go to stdout as a table; record them with the dataset and machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dataset=sample tables=4 rows=1000000 jobs=4 compare=no
while [[ $# -gt 0 ]]; do
	case "$1" in
		--dataset) dataset=$2; shift 2 ;;
		--tables) tables=$2; shift 2 ;;
		--rows) rows=$2; shift 2 ;;
		--jobs) jobs=$2; shift 2 ;;
		--compare) compare=yes; shift ;;
		--) shift; break ;;
		*) echo "unknown argument $1 (see the header of $0)" >&2; exit 1 ;;
	esac
done

# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
settings=(shared_buffers=512MB max_wal_size=8GB checkpoint_timeout=30min)
source_port=$(start_server source "${settings[@]}")
target_port=$(start_server target "${settings[@]}")
psql_on "$source_port" postgres -c 'CREATE DATABASE bench'

load_started=$(date +%s.%N)
case "$dataset" in
	sample | pagila) load_known_dataset "$source_port" bench "$dataset" ;;
	synthetic)
		for i in $(seq 1 "$tables"); do
			psql_on "$source_port" bench -c "
				CREATE TABLE t$i (id bigint PRIMARY KEY, a integer, b text, c timestamptz, d numeric(12,2));
				INSERT INTO t$i SELECT g, g % 1000, 'row ' || g || ' ' || md5(g::text), '2020-01-01'::timestamptz + g * interval '1 second', g / 7.0
				  FROM generate_series(1, $rows) g;
				CREATE INDEX t${i}_a_b ON t$i (a, b);" >/dev/null &
		done
		wait
		psql_on "$source_port" bench -c 'VACUUM ANALYZE' >/dev/null ;;
	*) echo "unknown dataset $dataset" >&2; exit 1 ;;
esac
load_seconds=$(awk -v a="$(date +%s.%N)" -v b="$load_started" 'BEGIN { printf "%.1f", a - b }')
size=$(psql_on "$source_port" bench -At -c "SELECT pg_size_pretty(pg_database_size('bench'))")

results=()
# measure LABEL COMMAND...: wall seconds and peak RSS of the command and its children
measure() {
	local label=$1
	shift
	local status=ok
	/usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$work/$label.out" 2>"$work/$label.err" || {
		status="FAILED (exit $?)"
		echo "$label failed; last lines of its output:" >&2
		tail -5 "$work/$label.err" >&2
	}
	read -r seconds kb < <(tail -1 "$work/time.txt")
	results+=("$(printf '%-28s %10s %10s  %s' "$label" "$seconds" "$((kb / 1024))" "$status")")
}

psql_on "$target_port" postgres -c 'CREATE DATABASE bench'
measure "pgcopydb (Spring Batch)" "$root/jobs/bin/pgcopydb" clone \
	--source "postgres://postgres@127.0.0.1:$source_port/bench" \
	--target "postgres://postgres@127.0.0.1:$target_port/bench" \
	--dir "$work/run" --pg-bin "$bindir" --table-jobs "$jobs" --index-jobs "$jobs" --restore-jobs "$jobs" "$@"

if [[ "$compare" == yes ]]; then
	psql_on "$target_port" postgres -c 'CREATE DATABASE bench_dump'
	measure "pg_dump -Fd | pg_restore" bash -c "
		'$bindir/pg_dump' -h 127.0.0.1 -p $source_port -U postgres -Fd -j $jobs -f '$work/dumpdir' bench &&
		'$bindir/pg_restore' -h 127.0.0.1 -p $target_port -U postgres -j $jobs -d bench_dump '$work/dumpdir'"
	if command -v pgcopydb >/dev/null; then
		psql_on "$target_port" postgres -c 'CREATE DATABASE bench_c'
		measure "pgcopydb $(pgcopydb --version 2>&1 | grep -oE '[0-9]+\.[0-9]+' | head -1) (C)" \
			setsid --wait env PATH="$bindir:$PATH" pgcopydb clone \
			--source "postgres://postgres@127.0.0.1:$source_port/bench" \
			--target "postgres://postgres@127.0.0.1:$target_port/bench_c" \
			--dir "$work/c-run" --table-jobs "$jobs" --index-jobs "$jobs"
	fi
fi

echo "dataset: $dataset ($size on disk, loaded in ${load_seconds%.*} s)$([[ $dataset == synthetic ]] && echo ", $tables tables x $rows rows")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), java $(java -version 2>&1 | awk -F'"' '/version/ {print $2}'), PGCOPYDB_JAVA_OPTS=${PGCOPYDB_JAVA_OPTS:--Xmx1g}"
echo "jobs: $jobs"
printf '%-28s %10s %10s  %s\n' "tool" "wall (s)" "peak MB" "result"
printf '%s\n' "${results[@]}"
