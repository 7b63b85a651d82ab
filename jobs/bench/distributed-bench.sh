#!/usr/bin/env bash
# distributed-bench.sh: the copy phase of one clone run by 1, 2, 3... worker processes
# (clone --distributed plus pgcopydb worker), next to a local clone with the same
# threads per process, on the same throwaway servers and data: wall time of the whole
# clone and of its copy step, partitions per worker, and the dispatch cost.
#
# Usage: jobs/bench/distributed-bench.sh [--workers "1 2 3"] [--rounds R] [--tables N]
#            [--rows N] [--jobs J] [--no-netns]
#   --workers  the worker counts to measure (default "1 2 3")
#   --tables/--rows  the data: N tables (default 24) of --rows rows (default 300000):
#              bigint key, int, text, timestamptz, numeric, one secondary index each
#   --jobs J   --table-jobs and --index-jobs of each worker, and of the local clone
#              (default 2)
#   --rounds R each configuration R times (default 3), alternating configurations
#
# Network: run as root where `ip netns` works, the servers (source, target, repository)
# and the manager run in a network namespace of their own, and each worker in another,
# joined to the servers' by a veth pair (10.77.<i>.2 to 10.77.<i>.1), so that a
# worker's rows cross a real TCP path rather than loopback. Nothing listens outside
# these namespaces; they are deleted at the end. Otherwise (--no-netns, or not root),
# workers are separate processes on 127.0.0.1.
#
# Measured per run: the clone's wall time (the manager's process), its copyData step as
# the summary prints it, the partitions each worker ran (from the repository), the
# hand-over of a worker thread (from its partition's end to its next claim, for requests
# already queued then; median), and the dispatch overhead per copy partition: (copyData
# with one worker - copyData of the local clone) / tables, the worker having the local
# clone's threads; GNU time's CPU (user + system) of the manager and the workers summed,
# and the largest peak RSS among them. Each target is checked against the source (row
# counts and an order-independent checksum per table). Results on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
workers_list="1 2 3" rounds=3 tables=24 rows=300000 jobs=2 netns=auto
while [[ $# -gt 0 ]]; do
	case "$1" in
		--workers) workers_list=$2; shift 2 ;;
		--rounds) rounds=$2; shift 2 ;;
		--tables) tables=$2; shift 2 ;;
		--rows) rows=$2; shift 2 ;;
		--jobs) jobs=$2; shift 2 ;;
		--no-netns) netns=no; shift ;;
		--inside) inside=yes; shift ;;
		*) echo "unknown option $1" >&2; exit 1 ;;
	esac
done
max_workers=$(tr ' ' '\n' <<<"$workers_list" | sort -n | tail -1)

if [[ $netns == auto ]]; then
	netns=no
	if [[ "$(id -u)" == 0 ]] && ip netns add pgcb-probe 2>/dev/null; then
		ip netns del pgcb-probe
		netns=yes
	fi
fi

# Outside: create the namespaces, then run this script again inside the servers' one.
if [[ $netns == yes && -z "${inside:-}" ]]; then
	cleanup_ns() {
		for ((i = 1; i <= max_workers; i++)); do
			ip link del "pgcbs$i" 2>/dev/null || ip netns exec pgcb-srv ip link del "pgcbs$i" 2>/dev/null || true
			ip netns del "pgcb-w$i" 2>/dev/null || true
		done
		ip netns del pgcb-srv 2>/dev/null || true
	}
	cleanup_ns
	trap cleanup_ns EXIT
	ip netns add pgcb-srv
	ip netns exec pgcb-srv ip link set lo up
	for ((i = 1; i <= max_workers; i++)); do
		ip netns add "pgcb-w$i"
		ip netns exec "pgcb-w$i" ip link set lo up
		ip link add "pgcbs$i" type veth peer name "pgcbw$i"
		ip link set "pgcbs$i" netns pgcb-srv
		ip link set "pgcbw$i" netns "pgcb-w$i"
		ip netns exec pgcb-srv ip addr add "10.77.$i.1/24" dev "pgcbs$i"
		ip netns exec pgcb-srv ip link set "pgcbs$i" up
		ip netns exec "pgcb-w$i" ip addr add "10.77.$i.2/24" dev "pgcbw$i"
		ip netns exec "pgcb-w$i" ip link set "pgcbw$i" up
	done
	set +e
	ip netns exec pgcb-srv "$0" --inside --workers "$workers_list" --rounds "$rounds" --tables "$tables" \
		--rows "$rows" --jobs "$jobs"
	code=$?
	set -e
	exit "$code"
fi

source "$root/jobs/lib/throwaway-servers.sh"
jar_cmd="$root/jobs/bin/pgcopydb"
listen="127.0.0.1"
if [[ $netns == yes ]]; then
	for ((i = 1; i <= max_workers; i++)); do listen+=",10.77.$i.1"; done
fi
allow_hba() { # lets the workers' namespaces in
	local name=$1
	if [[ $netns == yes ]]; then
		echo "host all all 10.77.0.0/16 scram-sha-256" >>"$work/$name/pg_hba.conf"
		"${run_as[@]}" "$bindir/pg_ctl" -D "$work/$name" reload >/dev/null
	fi
}
echo "starting servers (listen_addresses=$listen)" >&2
src=$(start_server source "listen_addresses='$listen'" max_connections=200)
tgt=$(start_server target "listen_addresses='$listen'" max_connections=200)
repo=$(start_server repository "listen_addresses='$listen'" max_connections=200)
for name in source target repository; do allow_hba "$name"; done

echo "loading $tables tables of $rows rows" >&2
psql_on "$src" postgres -c "CREATE DATABASE bench"
for ((t = 1; t <= tables; t++)); do
	psql_on "$src" bench -c "CREATE TABLE t$t (id bigint PRIMARY KEY, n int, label text, at timestamptz,
		amount numeric(12,2)); INSERT INTO t$t SELECT g, g % 1000, md5(g::text), now() - g * interval '1 s',
		g * 0.01 FROM generate_series(1, $rows) g; CREATE INDEX ON t$t (n);"
done
psql_on "$src" bench -c "VACUUM ANALYZE"
size=$(psql_on "$src" bench -Atc "SELECT pg_size_pretty(pg_database_size('bench'))")
psql_on "$repo" postgres -c "CREATE DATABASE repo"

# connection strings: the manager in this namespace on loopback, worker i over its veth
export PGPASSFILE="$work/pgpass"
printf '*:*:*:postgres:%s\n' "$PGPASSWORD" >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"
unset PGPASSWORD
host_for() { if [[ $netns == yes ]]; then echo "10.77.$1.1"; else echo 127.0.0.1; fi; }
export PGCOPYDB_REPOSITORY_URL="jdbc:postgresql://127.0.0.1:$repo/repo?user=postgres"
in_ns() { if [[ $netns == yes ]]; then ip netns exec "pgcb-w$1" "${@:2}"; else "${@:2}"; fi; }

checksums() { # per table: rows and an order-independent checksum
	"$bindir/psql" -X -At -h 127.0.0.1 -p "$1" -U postgres -d bench -c "SELECT string_agg(format('%s %s %s',
		c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false,
		true, '')))[1]::text, (xpath('/row/s/text()', query_to_xml(format('SELECT sum(hashtext(t::text)) AS s FROM
		%I t', c.relname), false, true, '')))[1]::text), ' ' ORDER BY c.relname) FROM pg_class c WHERE c.relkind = 'r'
		AND c.relnamespace = 'public'::regnamespace"
}
expected=$(checksums "$src")

results="$work/results"
: >"$results"
run_one() { # run_one WORKERS ROUND: 0 workers = the local clone
	local n=$1 round=$2 name="b${1}_${2}" dir="$work/run-$1-$2"
	"$bindir/psql" -X -q -h 127.0.0.1 -p "$tgt" -U postgres -d postgres -c "DROP DATABASE IF EXISTS bench" \
		-c "CREATE DATABASE bench"
	local src_uri="postgres://postgres@127.0.0.1:$src/bench" tgt_uri="postgres://postgres@127.0.0.1:$tgt/bench"
	local start end pids=()
	start=$(date +%s.%N)
	if [[ $n == 0 ]]; then
		PGCOPYDB_REPOSITORY_URL="" /usr/bin/time -f "%U %S %M" -o "$dir.time.m" \
			"$jar_cmd" clone --source "$src_uri" --target "$tgt_uri" --dir "$dir" \
			--table-jobs "$jobs" --index-jobs "$jobs" >"$dir.out" 2>"$dir.err" || { echo "local clone failed: $dir.err" >&2; return 1; }
	else
		/usr/bin/time -f "%U %S %M" -o "$dir.time.m" timeout 1800 "$jar_cmd" clone --distributed --source "$src_uri" --target "$tgt_uri" --dir "$dir" --run-name "$name" \
			>"$dir.out" 2>"$dir.err" &
		local manager=$!
		for ((i = 1; i <= n; i++)); do
			local h
			h=$(host_for "$i")
			PGCOPYDB_REPOSITORY_URL="jdbc:postgresql://$h:$repo/repo?user=postgres" \
				in_ns "$i" /usr/bin/time -f "%U %S %M" -o "$dir.time.w$i" "$jar_cmd" worker --run-name "$name" --dir "$dir" --table-jobs "$jobs" --index-jobs "$jobs" \
				--source "postgres://postgres@$h:$src/bench" --target "postgres://postgres@$h:$tgt/bench" \
				>"$dir.w$i.out" 2>"$dir.w$i.err" &
			pids+=($!)
		done
		if ! wait "$manager"; then
			echo "manager failed: $dir.err" >&2
			kill "${pids[@]}" 2>/dev/null || true
			return 1
		fi
		for pid in "${pids[@]}"; do wait "$pid" || true; done
	fi
	end=$(date +%s.%N)
	local wall copy parts wait_ms verified
	wall=$(echo "$end - $start" | bc)
	copy=$(awk '$1 == "copyData" { print $3 }' "$dir.out")
	parts="-" wait_ms="-"
	if [[ $n != 0 ]]; then
		parts=$("$bindir/psql" -X -At -h 127.0.0.1 -p "$repo" -U postgres -d repo -c "SELECT string_agg(c::text, '/'
			ORDER BY c DESC) FROM (SELECT count(*) c FROM $name.pgcopydb_remote_request GROUP BY worker_id) x")
		# hand-over: from a worker's previous end to its next claim, for requests that
		# were already queued then (the dispatch cost a free thread sees)
		wait_ms=$("$bindir/psql" -X -At -h 127.0.0.1 -p "$repo" -U postgres -d repo -c "SELECT
			round(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)::numeric, 1) FROM (SELECT extract(epoch FROM
			r.claimed::timestamptz - p.ended) * 1000 AS gap, r.queued::timestamptz AS queued, p.ended FROM
			$name.pgcopydb_remote_request r CROSS JOIN LATERAL (SELECT max(q.ended::timestamptz) AS ended FROM
			$name.pgcopydb_remote_request q WHERE q.worker_id = r.worker_id AND q.ended::timestamptz <=
			r.claimed::timestamptz) p) x WHERE ended IS NOT NULL AND queued <= ended")
	fi
	verified=ok
	[[ "$(checksums "$tgt")" == "$expected" ]] || verified=DIFFERS
	# CPU (user + system) of the manager and the workers together, and the largest RSS
	local cpu rss
	cpu=$(cat "$dir".time.* | awk 'NF == 3 { s += $1 + $2 } END { printf "%.1f", s }')
	rss=$(cat "$dir".time.* | awk 'NF == 3 && $3 > m { m = $3 } END { printf "%d", m / 1024 }')
	echo "$n $round $wall $copy $parts $wait_ms $verified $cpu $rss" >>"$results"
	echo "workers=$n round=$round wall=${wall}s copyData=$copy parts=$parts hand-over-ms=$wait_ms $verified cpu=${cpu}s rss=${rss}MB" >&2
}

"$jar_cmd" --version >/dev/null # the launcher's one-time set-up, untimed
for ((r = 1; r <= rounds; r++)); do
	for n in 0 $workers_list; do run_one "$n" "$r"; done
done

to_seconds() { # the summary's durations: 850ms, 12.3s, 1m02s, 1h02m
	awk '{ v = $1; s = 0
		if (match(v, /^[0-9]+h/)) { s += substr(v, 1, RLENGTH - 1) * 3600; v = substr(v, RLENGTH + 1) }
		if (match(v, /^[0-9]+m($|[0-9])/) && v !~ /ms$/) { n = v; sub(/m.*/, "", n); s += n * 60; sub(/^[0-9]+m/, "", v) }
		if (v ~ /ms$/) { sub(/ms$/, "", v); s += v / 1000 } else if (v ~ /s$/) { sub(/s$/, "", v); s += v }
		print s }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2];
	else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
copy_partitions=$(( tables ))
echo "# distributed-bench: $tables tables x $rows rows ($size), --table-jobs/--index-jobs $jobs per process, $rounds rounds"
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), PostgreSQL $("$bindir/postgres" --version | awk '{ print $3 }'), network: $([[ $netns == yes ]] && echo "a namespace per worker, veth to the servers' namespace" || echo "loopback, workers as processes")"
printf '| workers | runs | clone wall median (s) | copyData median (s) | speed-up of copyData vs 1 worker | partitions per worker (last run) | hand-over median (ms) | CPU of all processes, median (s) | largest RSS (MB) | verified |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
one=""
local_copy=$(awk '$1 == 0 { print $4 }' "$results" | to_seconds | median)
for n in 0 $workers_list; do
	rows_n=$(awk -v n="$n" '$1 == n' "$results")
	walls=$(awk '{ print $3 }' <<<"$rows_n" | median)
	copies=$(awk '{ print $4 }' <<<"$rows_n" | to_seconds | median)
	[[ $n == 1 ]] && one=$copies
	speed="-"
	[[ -n "$one" && $n != 0 ]] && speed=$(echo "scale=2; $one / $copies" | bc)
	parts=$(awk 'END { print $5 }' <<<"$rows_n")
	waits=$(awk '{ print $6 }' <<<"$rows_n" | grep -v '^-$' | median || true)
	ok=$(awk '{ print $7 }' <<<"$rows_n" | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }')
	cpus=$(awk '{ print $8 }' <<<"$rows_n" | median)
	rss=$(awk '$9 > m { m = $9 } END { print m }' <<<"$rows_n")
	label=$([[ $n == 0 ]] && echo "local clone" || echo "$n")
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s|\n' "$label" "$(wc -l <<<"$rows_n")" "$walls" \
		"$copies" "$speed" "$parts" "${waits:--}" "$cpus" "$rss" "$ok"
done
if [[ -n "$one" ]]; then
	echo "dispatch overhead per copy partition, 1 worker against the local clone: $(echo "scale=1; ($one - $local_copy) * 1000 / $copy_partitions" | bc) ms"
fi
echo "# runs: workers round wall copyData partitions hand-over-ms verified cpu-s rss-MB"
cat "$results"
