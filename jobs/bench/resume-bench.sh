#!/usr/bin/env bash
# resume-bench.sh: how long `pgcopydb clone --resume` takes to finish a half-done clone.
#
# The clone is held at a known point, not interrupted at a random moment: a session on
# the target locks the smaller half of the tables (ACCESS SHARE, so their TRUNCATE
# waits), the larger half is copied and indexed, then the JVM is killed with kill -9
# (the JobRepository still says STARTED). The locks are released and
# `clone --resume --not-consistent` is timed; the row counts of both sides are compared.
#
# Usage: jobs/bench/resume-bench.sh [--dataset pagila|sample] [--runs N]
# Needs jq, besides what jobs/bin/pgcopydb-demo needs.
# Results go to stdout; record them with the dataset and the machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dataset=pagila runs=3
while [[ $# -gt 0 ]]; do
	case "$1" in
		--dataset) dataset=$2; shift 2 ;;
		--runs) runs=$2; shift 2 ;;
		*) echo "unknown argument $1 (see the header of $0)" >&2; exit 1 ;;
	esac
done

# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
source_port=$(start_server source)
target_port=$(start_server target)
psql_on "$source_port" postgres -c 'CREATE DATABASE bench'
load_known_dataset "$source_port" bench "$dataset" || { echo "unknown dataset $dataset" >&2; exit 1; }
tables=$(psql_on "$source_port" bench -At -c "
	SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	 WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
	 ORDER BY pg_table_size(c.oid)")
total=$(wc -l <<<"$tables")
pinned=$(head -n $((total / 2)) <<<"$tables" | paste -sd, -)

export PGCOPYDB_SOURCE_PGURI="postgres://postgres@127.0.0.1:$source_port/bench"
export PGCOPYDB_TARGET_PGURI="postgres://postgres@127.0.0.1:$target_port/bench"
pgcopydb="$root/jobs/bin/pgcopydb"

printf '%-4s %-14s %12s %10s  %s\n' run "done at kill" "resume wall" "job" "target = source"
for run in $(seq 1 "$runs"); do
	dir="$work/run$run"
	psql_on "$target_port" postgres -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null 2>&1
	"$pgcopydb" clone --dir "$dir" >"$work/first$run.out" 2>"$work/first$run.err" &
	clone_pid=$!
	# once pre-data created the tables, pin the smaller half
	until psql_on "$target_port" bench -At -c "SELECT to_regclass('${pinned%%,*}') IS NOT NULL" | grep -q t; do
		sleep 0.05
	done
	psql_on "$target_port" bench -c "BEGIN" -c "LOCK TABLE $pinned IN ACCESS SHARE MODE" -c "SELECT pg_sleep(600)" \
		>/dev/null 2>&1 &
	pin_pid=$!
	# wait until every unpinned table is copied, then kill -9
	done_tables=0
	for _ in $(seq 1 1200); do
		done_tables=$("$pgcopydb" list progress --json --dir "$dir" 2>/dev/null | jq -r '.tables.done' || true)
		[[ "${done_tables:-0}" -ge $((total - total / 2)) ]] && break
		sleep 0.1
	done
	kill -9 "$clone_pid"
	wait "$clone_pid" 2>/dev/null || true
	kill "$pin_pid" 2>/dev/null || true
	wait "$pin_pid" 2>/dev/null || true
	psql_on "$target_port" postgres -At -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = 'bench' AND query LIKE '%pg_sleep%'" >/dev/null
	started=$(date +%s.%N)
	"$pgcopydb" clone --resume --not-consistent --dir "$dir" >"$work/resume$run.out" 2>"$work/resume$run.err" || {
		echo "resume failed:" >&2
		tail -5 "$work/resume$run.err" >&2
		exit 1
	}
	wall=$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { printf "%.2f s", a - b }')
	job=$(awk '/^Total wall time/ { print $5 }' "$work/resume$run.out")
	same=$([[ "$(row_counts "$source_port" bench)" == "$(row_counts "$target_port" bench)" ]] && echo yes || echo NO)
	printf '%-4s %-14s %12s %10s  %s\n' "$run" "$done_tables/$total tables" "$wall" "$job" "$same"
done
