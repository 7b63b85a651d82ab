#!/usr/bin/env bash
# follow-bench.sh: online migration under a write load, `pgcopydb clone --follow` next
# to PostgreSQL's own publication/subscription, on throwaway servers (wal_level=logical)
# and the same workload (issue 11):
#
#   pgbench -i -s $SCALE on the source (pgbench_history gets REPLICA IDENTITY FULL:
#   it has no key, and a follow refuses to publish a table without replica identity);
#   the contender starts (initial copy + streaming), and at once
#     (a) $CLIENTS clients at $RATE tx/s for $DURATION_THROTTLED s,
#     (b) unthrottled for $DURATION_FULL s;
#   then a marker row is committed on the source and the catch-up time is how long,
#   after the load stopped, until that row is visible on the target (the target has
#   applied the source's last commit);
#   backlog: apply paused (native: ALTER SUBSCRIPTION DISABLE; ours: `stream sentinel
#   set prefetch`), unthrottled load for $DURATION_BACKLOG s (K transactions, pgbench's
#   count), a marker, apply released (ENABLE / `stream sentinel set apply`), and the
#   rate is K / time from the release command's return to the marker on the target;
#   ours then gets `stream sentinel set endpos --current` and must exit 0 (the time
#   from that command's return to the exit is reported), then `stream cleanup`.
#
# Lag samples: every second, pg_stat_replication on the source for the contender's
# walsender (the slot's active_pid; table-sync slots left out): bytes between
# pg_current_wal_lsn() and write/flush/replay_lsn. Ours also gets `stream sentinel
# get --json` every $SENTINEL_EVERY s (a JVM start each: not every second, so that the
# sampling does not eat the cores being measured); all samples are kept in $OUT.
# Verification: row count and md5 of every pgbench table and the marker table, ordered
# by key; sequences (last_value of every sequence: native does not replicate them).
# Peak RSS and CPU: ours, the JVM (/usr/bin/time: user + sys, maximum RSS, children
# included); native, the subscription's apply worker(s) on the target (/proc: utime +
# stime summed over the worker before and after the backlog's DISABLE; VmHWM, which
# counts the shared buffers it touched); table-sync workers and walsenders are in
# neither.
#
# Usage: jobs/bench/follow-bench.sh      (settings in the environment:)
#   SCALE=20 RATE=300 CLIENTS=4 DURATION_THROTTLED=60 DURATION_FULL=30
#   DURATION_BACKLOG=30 ROUNDS=1 CONTENDERS="native ours" SENTINEL_EVERY=10
#   CATCHUP_TIMEOUT=600 OURS_OPTS="--plugin wal2json ..." PGCOPYDB_JAVA_OPTS=-Xmx1g
#   PGBENCH_OPTS="-b simple-update" (the load's script: default tpcb-like, whose 20
#   branch rows every transaction updates; simple-update has no hot row)
#   OUT=dir (raw samples and logs; default: a directory printed at the end)
# With ROUNDS > 1 the contenders alternate (native first in odd rounds) and the table
# ends with each contender's medians. Needs pgbench, jq, GNU time, and what
# jobs/bin/pgcopydb needs. Results go to stdout as a Markdown table.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SCALE=${SCALE:-20} RATE=${RATE:-300} CLIENTS=${CLIENTS:-4}
DURATION_THROTTLED=${DURATION_THROTTLED:-60} DURATION_FULL=${DURATION_FULL:-30}
DURATION_BACKLOG=${DURATION_BACKLOG:-30} ROUNDS=${ROUNDS:-1} CONTENDERS=${CONTENDERS:-native ours}
PGBENCH_OPTS=${PGBENCH_OPTS:-}
SENTINEL_EVERY=${SENTINEL_EVERY:-10} CATCHUP_TIMEOUT=${CATCHUP_TIMEOUT:-600} OURS_OPTS=${OURS_OPTS:-}
for tool in pgbench jq /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "follow-bench: $tool is missing (apt-get install postgresql-contrib jq time)" >&2; exit 2; }
done

# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/follow-bench-results.XXXXXX")}
mkdir -p "$OUT"
background=()
# kill_tree PID: the process and its children (the JVM under /usr/bin/time, psql under a sampler)
kill_tree() {
	local child
	for child in $(pgrep -P "$1" || true); do kill "$child" 2>/dev/null || true; done
	kill "$1" 2>/dev/null || true
}
cleanup() {
	local pid
	for pid in "${background[@]}"; do kill_tree "$pid"; done
	stop_servers
}
trap cleanup EXIT

settings=(shared_buffers=512MB max_wal_size=8GB checkpoint_timeout=30min max_replication_slots=20 max_wal_senders=20)
source_port=$(start_server source "${settings[@]}")
target_port=$(start_server target "${settings[@]}")
psql_on "$source_port" postgres -c 'CREATE DATABASE bench'
# the subscription's libpq reads the password from a file the server's user owns
printf '127.0.0.1:%s:*:postgres:%s\n' "$source_port" "$PGPASSWORD" >"$work/pgpass"
chmod 600 "$work/pgpass"
[[ ${#run_as[@]} -gt 0 ]] && chown "$pguser" "$work/pgpass"
export PGCOPYDB_SOURCE_PGURI="postgres://postgres@127.0.0.1:$source_port/bench"
export PGCOPYDB_TARGET_PGURI="postgres://postgres@127.0.0.1:$target_port/bench"
pgcopydb="$root/jobs/bin/pgcopydb"
ticks=$(getconf CLK_TCK)
threads=$((CLIENTS < $(nproc) ? CLIENTS : $(nproc)))

now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
log() { echo "follow-bench: $*" >&2; }

# fresh pgbench data on the source, an empty bench database on the target
prepare() {
	"$bindir/pgbench" -h 127.0.0.1 -p "$source_port" -U postgres -i -q -s "$SCALE" bench >"$OUT/init.log" 2>&1
	psql_on "$source_port" bench -c "
		ALTER TABLE pgbench_history REPLICA IDENTITY FULL;
		DROP TABLE IF EXISTS bench_marker;
		CREATE TABLE bench_marker (id bigserial PRIMARY KEY, label text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
		INSERT INTO bench_marker (label) VALUES ('initial');
		CHECKPOINT;" >/dev/null
	psql_on "$target_port" postgres -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null
}

# marker LABEL: commits a row on the source, prints its id
marker() {
	psql_on "$source_port" bench -At -c "INSERT INTO bench_marker (label) VALUES ('$1') RETURNING id"
}

# wait_marker ID: until the row is visible on the target, polled every 20 ms with one
# short query each (the table may not exist yet on ours' target); non-zero after
# CATCHUP_TIMEOUT. Not one long-running statement: a statement that stays open for
# minutes on the target held up the clone's pre-data restore until it ended.
wait_marker() {
	local deadline=$(($(date +%s) + CATCHUP_TIMEOUT))
	until [[ "$(psql_on "$target_port" bench -At -c "SELECT 1 FROM public.bench_marker WHERE id = $1" 2>/dev/null)" == 1 ]]; do
		(($(date +%s) < deadline)) || return 1
		sleep 0.02
	done
}

# pgbench_run ARGS...: runs pgbench on the source, prints the transactions it committed
pgbench_run() {
	local out
	out=$("$bindir/pgbench" -h 127.0.0.1 -p "$source_port" -U postgres -n -c "$CLIENTS" -j "$threads" $PGBENCH_OPTS "$@" bench 2>&1) || {
		echo "$out" >&2
		return 1
	}
	echo "$out" >>"$OUT/pgbench.log"
	grep -oE 'actually processed: [0-9]+' <<<"$out" | grep -oE '[0-9]+$'
}

# the issue's load: throttled, then unthrottled; prints the transactions committed
load() {
	local a b
	echo throttled >"$work/phase"
	a=$(pgbench_run -R "$RATE" -T "$DURATION_THROTTLED")
	echo unthrottled >"$work/phase"
	b=$(pgbench_run -T "$DURATION_FULL")
	echo idle >"$work/phase"
	echo $((a + b))
}

# sampler LABEL: every second, the lag of the contender's walsender, to $OUT/LABEL-lag.csv
# (while the client reports no replay position, as ours during its clone, the replay lag
# counts from the slot's restart_lsn)
sampler() {
	local file="$OUT/$1-lag.csv" started
	started=$(now)
	echo "seconds,phase,loadavg,sent_lag_bytes,write_lag_bytes,flush_lag_bytes,replay_lag_bytes" >"$file"
	while sleep 1; do
		psql_on "$source_port" postgres -At -F, -c "
			SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), r.sent_lsn)::bigint,
			       pg_wal_lsn_diff(pg_current_wal_lsn(), r.write_lsn)::bigint,
			       pg_wal_lsn_diff(pg_current_wal_lsn(), r.flush_lsn)::bigint,
			       pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(r.replay_lsn, s.restart_lsn))::bigint
			  FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid
			 WHERE s.slot_type = 'logical' AND s.slot_name !~ '_sync_'
			 LIMIT 1" 2>/dev/null | sed "s/^/$(since "$started"),$(cat "$work/phase"),$(cut -d' ' -f1 /proc/loadavg),/" >>"$file" || true
	done
}

# lag_stats LABEL: "p50 max" of the replay lag in MB over the samples taken under load,
# and the median 1-minute load average of the machine over the run
lag_stats() {
	awk -F, 'NR > 1 && ($2 == "throttled" || $2 == "unthrottled") { print $7 }' "$OUT/$1-lag.csv" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) printf "n/a n/a"; else printf "%.2f %.2f", v[int((NR + 1) / 2)] / 1048576, v[NR] / 1048576 }'
	awk -F, 'NR > 1 { print $3 }' "$OUT/$1-lag.csv" | sort -n | awk '{ v[NR] = $1 } END { printf " %s\n", NR ? v[int((NR + 1) / 2)] : "n/a" }'
}

# fingerprint PORT: one line per table (rows and md5 in key order) and per sequence
fingerprint() {
	psql_on "$1" bench -At -c "
		SELECT 'pgbench_accounts', count(*), md5(string_agg(t::text, ',' ORDER BY aid)) FROM pgbench_accounts t
		UNION ALL SELECT 'pgbench_branches', count(*), md5(string_agg(t::text, ',' ORDER BY bid)) FROM pgbench_branches t
		UNION ALL SELECT 'pgbench_tellers', count(*), md5(string_agg(t::text, ',' ORDER BY tid)) FROM pgbench_tellers t
		UNION ALL SELECT 'pgbench_history', count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM pgbench_history t
		UNION ALL SELECT 'bench_marker', count(*), md5(string_agg(t::text, ',' ORDER BY id)) FROM bench_marker t
		ORDER BY 1" >"$work/rows-$1"
	psql_on "$1" bench -At -c "
		SELECT format('%I.%I', schemaname, sequencename), coalesce(last_value, 0) FROM pg_sequences ORDER BY 1" >"$work/seqs-$1"
}

# verify LABEL: sets rows_same and seqs_same (yes/NO), keeps both sides' fingerprints
verify() {
	fingerprint "$source_port"
	fingerprint "$target_port"
	for kind in rows seqs; do
		paste -d'|' "$work/$kind-$source_port" "$work/$kind-$target_port" >"$OUT/$1-$kind.txt"
	done
	rows_same=$(cmp -s "$work/rows-$source_port" "$work/rows-$target_port" && echo yes || echo NO)
	seqs_same=$(cmp -s "$work/seqs-$source_port" "$work/seqs-$target_port" && echo yes || echo NO)
}

results=()
# record ROUND LABEL LOADAVG LAG_P50 LAG_MAX CATCHUP K BACKLOG_S RATE ENDPOS_S RSS_MB CPU_S ROWS SEQS
record() {
	results+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$@")")
	printf '%s\n' "${results[-1]}" >&2
}

worker_pid() { psql_on "$target_port" bench -At -c "SELECT pid FROM pg_stat_subscription WHERE subname = 'bench_sub' AND relid IS NULL AND pid IS NOT NULL"; }
cpu_of() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
hwm_of() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

run_native() {
	local round=$1 sampler_pid load_stopped id catchup k released backlog pid cpu=0 rss=0
	prepare
	"$bindir/pg_dump" -h 127.0.0.1 -p "$source_port" -U postgres -s bench | psql_on "$target_port" bench >/dev/null
	psql_on "$source_port" bench -c 'CREATE PUBLICATION bench_pub FOR ALL TABLES' >/dev/null
	echo starting >"$work/phase"
	sampler native-$round &
	sampler_pid=$!
	background+=("$sampler_pid")
	log "round $round native: subscription (copy_data = true) and the load"
	psql_on "$target_port" bench -c "CREATE SUBSCRIPTION bench_sub
		CONNECTION 'host=127.0.0.1 port=$source_port dbname=bench user=postgres passfile=$work/pgpass'
		PUBLICATION bench_pub WITH (copy_data = true)" >/dev/null
	load >/dev/null
	load_stopped=$(now)
	id=$(marker "native-$round-load-end")
	wait_marker "$id"
	catchup=$(since "$load_stopped")
	echo backlog >"$work/phase"
	log "round $round native: caught up ${catchup}s after the load; backlog of ${DURATION_BACKLOG}s"
	pid=$(worker_pid)
	cpu=$(cpu_of "$pid") rss=$(hwm_of "$pid")
	psql_on "$target_port" bench -c 'ALTER SUBSCRIPTION bench_sub DISABLE' >/dev/null
	while [[ -n "$(worker_pid)" ]]; do sleep 0.1; done
	k=$(pgbench_run -T "$DURATION_BACKLOG")
	id=$(marker "native-$round-backlog-end")
	psql_on "$target_port" bench -c 'ALTER SUBSCRIPTION bench_sub ENABLE' >/dev/null
	released=$(now)
	wait_marker "$id"
	backlog=$(since "$released")
	pid=$(worker_pid)
	cpu=$(awk -v a="$cpu" -v b="$(cpu_of "$pid")" 'BEGIN { printf "%.1f", a + b }')
	rss=$(( $(hwm_of "$pid") > rss ? $(hwm_of "$pid") : rss ))
	kill "$sampler_pid"
	verify "native-$round"
	psql_on "$target_port" bench -c 'DROP SUBSCRIPTION bench_sub' >/dev/null
	psql_on "$source_port" bench -c 'DROP PUBLICATION bench_pub' >/dev/null
	read -r p50 max machine_load < <(lag_stats "native-$round")
	record "$round" "native" "$machine_load" "$p50" "$max" "$catchup" "$k" "$backlog" \
		"$(awk -v k="$k" -v s="$backlog" 'BEGIN { printf "%.0f", k / s }')" "-" "$rss" "$cpu" "$rows_same" "$seqs_same"
}

# sentinel_sampler LABEL: `stream sentinel get --json` every SENTINEL_EVERY s
sentinel_sampler() {
	while sleep "$SENTINEL_EVERY"; do
		printf '%s %s ' "$(date +%T.%N)" "$(cat "$work/phase")"
		"$pgcopydb" stream sentinel get --json --dir "$1" 2>&1 | tr -d '\n'
		echo
	done >>"$OUT/$2-sentinel.log"
}

# ours ROUND LABEL ARGS...: pgcopydb ARGS in the run's --dir; failures go to the log
ours() {
	local label=$1
	shift
	"$pgcopydb" "$@" --dir "$dir" >>"$OUT/$label-commands.log" 2>&1 || {
		log "$label: pgcopydb $* failed (exit $?); see $OUT/$label-commands.log"
		return 1
	}
}

run_ours() {
	local round=$1 label="ours-$round" sampler_pid sentinel_pid job_pid load_stopped id catchup k released backlog
	local endpos_set exit_s status=0 cpu rss leftover
	dir="$work/run-$round"
	prepare
	echo starting >"$work/phase"
	sampler "$label" &
	sampler_pid=$!
	background+=("$sampler_pid")
	log "round $round ours: clone --follow $OURS_OPTS and the load"
	# shellcheck disable=SC2086 # OURS_OPTS is a list of options
	/usr/bin/time -f '%e %U %S %M' -o "$work/$label-time.txt" \
		"$pgcopydb" clone --follow --dir "$dir" --pg-bin "$bindir" $OURS_OPTS >"$OUT/$label.out" 2>"$OUT/$label.err" &
	job_pid=$!
	background+=("$job_pid")
	sentinel_sampler "$dir" "$label" &
	sentinel_pid=$!
	background+=("$sentinel_pid")
	load >/dev/null
	load_stopped=$(now)
	id=$(marker "$label-load-end")
	if ! kill -0 "$job_pid" 2>/dev/null; then
		wait "$job_pid" || status=$?
		log "round $round ours: clone --follow ended during the load (exit $status); last lines:"
		tail -5 "$OUT/$label.err" >&2
		kill "$sampler_pid" "$sentinel_pid"
		record "$round" "ours" "-" "-" "-" "FAILED (exit $status)" "-" "-" "-" "-" "-" "-" "-" "-"
		return 0
	fi
	wait_marker "$id" || { log "round $round ours: the load's last commit was not applied within ${CATCHUP_TIMEOUT}s"; catchup="> $CATCHUP_TIMEOUT"; }
	catchup=${catchup:-$(since "$load_stopped")}
	log "round $round ours: caught up ${catchup}s after the load; backlog of ${DURATION_BACKLOG}s"
	echo backlog >"$work/phase"
	k=0 backlog="-"
	if ours "$label" stream sentinel set prefetch; then
		sleep 1 # the running apply reads the sentinel between transactions
		k=$(pgbench_run -T "$DURATION_BACKLOG")
		id=$(marker "$label-backlog-end")
		if ours "$label" stream sentinel set apply; then
			released=$(now)
			wait_marker "$id" && backlog=$(since "$released")
		fi
	fi
	echo endpos >"$work/phase"
	exit_s="-"
	if ours "$label" stream sentinel set endpos --current; then
		endpos_set=$(now)
		while kill -0 "$job_pid" 2>/dev/null && (($(since "$endpos_set" | cut -d. -f1) < CATCHUP_TIMEOUT)); do sleep 0.05; done
		exit_s=$(since "$endpos_set")
		if kill -0 "$job_pid" 2>/dev/null; then
			log "round $round ours: clone --follow still runs ${CATCHUP_TIMEOUT}s after endpos; stopping it"
			kill_tree "$job_pid"
			exit_s="> $CATCHUP_TIMEOUT"
		fi
		wait "$job_pid" || status=$?
		[[ $status == 0 ]] || exit_s="$exit_s (exit $status)"
	else
		kill_tree "$job_pid"
		wait "$job_pid" || status=$?
	fi
	kill "$sampler_pid" "$sentinel_pid" 2>/dev/null || true
	read -r _ user sys rss < <(tail -1 "$work/$label-time.txt")
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
	verify "$label"
	ours "$label" stream cleanup || true
	leftover=$(psql_on "$source_port" bench -At -c "
		SELECT string_agg(x, ', ') FROM (SELECT 'slot ' || slot_name AS x FROM pg_replication_slots
		 UNION ALL SELECT 'publication ' || pubname FROM pg_publication) l")
	leftover+=$(psql_on "$target_port" bench -At -c "SELECT string_agg('origin ' || roname, ', ') FROM pg_replication_origin")
	[[ -z "$leftover" ]] || log "round $round ours: left behind after stream cleanup: $leftover"
	read -r p50 max machine_load < <(lag_stats "$label")
	record "$round" "ours" "$machine_load" "$p50" "$max" "$catchup" "$k" "$backlog" \
		"$( [[ $backlog == - ]] && echo - || awk -v k="$k" -v s="$backlog" 'BEGIN { printf "%.0f", k / s }')" \
		"$exit_s" "$((rss / 1024))" "$cpu" "$rows_same" "$seqs_same"
	# a run that leaves a slot behind would hold WAL for the next contender
	psql_on "$source_port" bench -At -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active" >/dev/null
}

log "results and samples in $OUT"
for round in $(seq 1 "$ROUNDS"); do
	order=($CONTENDERS)
	if ((round % 2 == 0)); then order=($(printf '%s\n' "${order[@]}" | tac)); fi
	for contender in "${order[@]}"; do
		"run_$contender" "$round"
	done
done

# median COLUMN LABEL: the median of a numeric column over the contender's rounds
median() {
	printf '%s\n' "${results[@]}" | awk -F' \\| ' -v c="$1" -v l="$2" '$2 == l && $c ~ /^[0-9.]+$/ { print $c }' | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'
}

size=$(psql_on "$source_port" bench -At -c "SELECT pg_size_pretty(pg_database_size('bench'))")
echo "## follow-bench $(date -u +%FT%TZ)"
echo
echo "- machine: $(nproc) cores ($(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo "- PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') source and target on this machine (fsync=off, shared_buffers=512MB), java $(java -version 2>&1 | awk -F'"' '/version/ {print $2}'), PGCOPYDB_JAVA_OPTS=${PGCOPYDB_JAVA_OPTS:--Xmx1g}"
echo "- dataset: pgbench -s $SCALE ($size at the end); load: $CLIENTS clients at $RATE tx/s for $DURATION_THROTTLED s, then unthrottled for $DURATION_FULL s; backlog: unthrottled for $DURATION_BACKLOG s with apply paused; pgbench script: ${PGBENCH_OPTS:-tpcb-like (default)}"
echo "- machine load: median 1-minute load average during the run (other work on the machine shows here: figures taken under a load above the core count are disturbed)"
echo "- lag: source WAL not yet replayed on the target (pg_stat_replication), samples every second under load; catch-up: load end to its last commit visible on the target; backlog: K / (release to the last commit visible)"
echo "- ours: clone --follow $OURS_OPTS; endpos: \`stream sentinel set endpos --current\` returned to exit 0; peak RSS and CPU: the JVM (native: the apply worker, VmHWM with shared buffers)"
echo "- raw samples: $OUT"
echo
echo "| round | contender | machine load | lag p50 (MB) | lag max (MB) | catch-up (s) | backlog K tx | backlog (s) | backlog tx/s | endpos to exit (s) | peak RSS (MB) | CPU (s) | rows identical | sequences identical |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
if ((ROUNDS > 1)); then
	for contender in $CONTENDERS; do
		printf '| median | %s |' "$contender"
		for c in 3 4 5 6 7 8 9 10 11 12; do printf ' %s |' "$(median "$c" "$contender")"; done
		echo ' | |'
	done
fi
