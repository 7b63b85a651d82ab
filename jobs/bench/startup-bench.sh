#!/usr/bin/env bash
# startup-bench.sh: the tool's fixed cost, launcher settings against each other in one
# run (issue 13): `pgcopydb --version`, `list progress` of a finished run, and a clone of
# a small database (pagila from ../shared/data when present, else the project's sample
# database), each under
#   plain  PGCOPYDB_FAST_START=0 with the JDK on the PATH: the jar as it is (the
#          launcher before this benchmark)
#   fast   the launcher's defaults: newest JDK 25+ when present, extracted layout,
#          C1 for short commands
# alternating, ROUNDS rounds (after one untimed warm-up of each, which extracts the
# jar), the target database emptied before each clone.
#
# Usage: jobs/bench/startup-bench.sh     (ROUNDS=5)
# Prints a Markdown table of medians: wall, CPU user+sys, peak RSS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ROUNDS=${ROUNDS:-5}

# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
source_port=$(start_server source)
target_port=$(start_server target)
psql_on "$source_port" postgres -c 'CREATE DATABASE small' >/dev/null
pagila="$root/../shared/data/pagila"
if [[ -f "$pagila/pagila-schema.sql" ]]; then
	dataset="pagila"
	psql_on "$source_port" small -f "$pagila/pagila-schema.sql" >/dev/null 2>&1
	psql_on "$source_port" small -f "$pagila/pagila-data.sql" >/dev/null 2>&1
else
	dataset="the sample database (jobs/demo/sample-db.sql)"
	psql_on "$source_port" small -f "$root/jobs/demo/sample-db.sql" >/dev/null
fi
export PGCOPYDB_SOURCE_PGURI="postgres://postgres@127.0.0.1:$source_port/small"
export PGCOPYDB_TARGET_PGURI="postgres://postgres@127.0.0.1:$target_port/small"

plain=(env PGCOPYDB_FAST_START=0 PGCOPYDB_JAVA=java "$root/jobs/bin/pgcopydb")
fast=("$root/jobs/bin/pgcopydb")

# timed LABEL COMMAND...: appends "label wall cpu rss_mb" to $work/times
timed() {
	local label=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || {
		echo "$label failed:" >&2
		tail -5 "$work/err.txt" >&2
		exit 1
	}
	read -r wall user sys kb < <(tail -1 "$work/time.txt")
	echo "$label $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $((kb / 1024))" >>"$work/times"
}

clone() { # clone LABEL LAUNCHER...
	local label=$1
	shift
	psql_on "$target_port" postgres -c 'DROP DATABASE IF EXISTS small' -c 'CREATE DATABASE small' >/dev/null
	rm -rf "$work/run-$label"
	timed "$label" "$@" clone --dir "$work/run-$label" --pg-bin "$bindir"
}

: >"$work/times"
for setting in plain fast; do # warm-up: the extraction
	unset -n launcher 2>/dev/null || true
	declare -n launcher=$setting
	"${launcher[@]}" --version >/dev/null
	clone "warmup-$setting" "${launcher[@]}"
	"${launcher[@]}" list progress --dir "$work/run-warmup-$setting" >/dev/null
done
for _ in $(seq 1 "$ROUNDS"); do
	for setting in plain fast; do
		unset -n launcher 2>/dev/null || true
		declare -n launcher=$setting
		timed "version-$setting" "${launcher[@]}" --version
		timed "list-$setting" "${launcher[@]}" list progress --dir "$work/run-warmup-$setting"
		clone "clone-$setting" "${launcher[@]}"
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stat_of() { awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$work/times" | median; }
echo "## startup-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- java on the PATH: $(java -version 2>&1 | head -1); fast: $("${fast[@]}" --version)"
echo "- clone of $dataset, PostgreSQL $("$bindir/postgres" --version | awk '{ print $3 }') on this machine; medians of $ROUNDS rounds"
echo
echo "| command | plain wall (s) | fast wall (s) | ratio | plain CPU (s) | fast CPU (s) | plain RSS (MB) | fast RSS (MB) |"
echo "|---|---|---|---|---|---|---|---|"
for command in version list clone; do
	pw=$(stat_of "$command-plain" 2) fw=$(stat_of "$command-fast" 2)
	echo "| $command | $pw | $fw | $(awk -v a="$fw" -v b="$pw" 'BEGIN { printf "%.2f", a / b }') | $(stat_of "$command-plain" 3) | $(stat_of "$command-fast" 3) | $(stat_of "$command-plain" 4) | $(stat_of "$command-fast" 4) |"
done
