#!/usr/bin/env bash
# clone-bench.sh: `pgcopydb clone` next to `pg_dump -Fd -j | pg_restore -j` and, when
# installed, the C pgcopydb, on the same data, the same throwaway servers and the same
# machine: wall time, the tool's CPU seconds, its peak memory, each target verified.
#
# Usage: jobs/bench/clone-bench.sh [--dataset sample|pagila|synthetic|big|many]
#            [--scale S] [--tables N] [--rows N] [--jobs N] [--compare] [--rounds R]
#            [-- clone options]
#   sample     jobs/demo/sample-db.sql
#   pagila     ../shared/data/pagila (schema + data)
#   synthetic  --tables N (default 4) tables of --rows N (default 1000000) rows: bigint
#              key, int, text, timestamptz, numeric, plus one secondary index each
#   big        the "throughput" shape, --scale S (default 1: about 2 GB on disk, 15
#              tables, 9.1 M rows; 0.05 is a quick smoke version): the pgbench tables
#              (pgbench -i -s 60*S, with foreign keys), a wide table (17 columns of
#              mixed types, identity key, foreign key to a lookup table, 4 secondary
#              indexes one of them GIN on jsonb), a TOAST-heavy table (2000*S rows of
#              100 kB incompressible text stored EXTERNAL), a range-partitioned table
#              (5 ranges + DEFAULT, primary key, 1 M*S rows), a table without any key
#              or index (0.5 M*S rows), and 50*S (at least 5) large objects of 1 MiB
#   many       --tables N (default 10000) small tables: id int primary key, v text,
#              one secondary index each (2 N indexes), --rows N (default 5) rows each
# --jobs N (default 4) sets --table-jobs/--index-jobs/--restore-jobs of ours,
# pg_dump/pg_restore -j and the C pgcopydb's --table-jobs/--index-jobs.
# --compare also runs pg_dump -Fd -Z0 | pg_restore and the C pgcopydb (when on the PATH;
# --without-c leaves it out).
# --rounds R (default 2 with --compare, else 1): each round runs ours, pg_dump |
# pg_restore and the C pgcopydb, each into a target database dropped and created anew
# just before (untimed), round R starting with the R-th of them (an untimed pg_dump |
# pg_restore warms the servers up first). Options after -- go to our clone only. Our JVM options come
# from PGCOPYDB_JAVA_OPTS (jobs/bin/pgcopydb; -Xmx1g when unset, e.g. -Xmx256m to show
# bounded memory).
#
# Measured by GNU time per run: wall (%e), the tool's CPU user+sys (%U + %S, the tool
# and the processes it waits for: pg_dump, pg_restore and their workers, the C
# pgcopydb's sub-processes; not the servers' backends), peak RSS (%M, of the largest
# single process of that tree). Note that ours and the C pgcopydb VACUUM ANALYZE the
# target within their time; pg_restore does not.
# Verified after each run (untimed), against the source: per table, columns, indexes
# and constraints (counts and definitions), row count and an order-independent checksum
# (sum of hashtext of the row's text); sequences' last values; large objects' count,
# total size and contents (md5). A difference marks the run DIFFERS (KEEP_WORK=1 keeps
# the summaries in the work directory); the benchmark goes on.
# Results go to stdout: the dataset, the machine, a line per tool (medians of the runs
# that exited 0, ratios ours/tool) and every run. Progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dataset=sample tables="" rows="" scale=1 jobs=4 compare=no rounds=""
while [[ $# -gt 0 ]]; do
	case "$1" in
		--dataset) dataset=$2; shift 2 ;;
		--scale) scale=$2; shift 2 ;;
		--tables) tables=$2; shift 2 ;;
		--rows) rows=$2; shift 2 ;;
		--jobs) jobs=$2; shift 2 ;;
		--compare) compare=yes; shift ;;
		--without-c) without_c=yes; shift ;;
		--rounds) rounds=$2; shift 2 ;;
		--) shift; break ;;
		*) echo "unknown argument $1 (see the header of $0)" >&2; exit 1 ;;
	esac
done
clone_options=("$@")
case "$dataset" in
	sample | pagila | big) ;;
	synthetic) tables=${tables:-4} rows=${rows:-1000000} ;;
	many) tables=${tables:-10000} rows=${rows:-5} ;;
	*) echo "unknown dataset $dataset (see the header of $0)" >&2; exit 1 ;;
esac
[[ -n "$rounds" ]] || rounds=$([[ "$compare" == yes ]] && echo 2 || echo 1)
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds and --jobs take a positive number" >&2; exit 1; }
[[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "--scale takes a positive number (e.g. 1 or 0.05)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 2; }
progress() { echo "clone-bench: $*" >&2; }

# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"
# max_locks_per_transaction: pg_dump and the clones lock every table in one transaction
settings=(shared_buffers=512MB max_wal_size=8GB checkpoint_timeout=30min max_locks_per_transaction=1024)
source_port=$(start_server source "${settings[@]}")
target_port=$(start_server target "${settings[@]}")
psql_on "$source_port" postgres -c 'CREATE DATABASE bench'
source_uri="postgres://postgres@127.0.0.1:$source_port/bench"
target_uri="postgres://postgres@127.0.0.1:$target_port/bench"
parallel=$(($(nproc) > 2 ? $(nproc) : 2)) # sessions loading the source at once

# scaled NUMBER [MINIMUM]: round(NUMBER * scale), at least MINIMUM (default 0)
scaled() { awk -v n="$1" -v s="$scale" -v m="${2:-0}" 'BEGIN { v = int(n * s + 0.5); print (v < m) ? m : v }'; }

load_big() {
	local port=$1 pgscale wide docs meas keyless los i from to
	pgscale=$(scaled 60 1) wide=$(scaled 1600000 1000) docs=$(scaled 2000 10)
	meas=$(scaled 1000000 1000) keyless=$(scaled 500000 1000) los=$(scaled 50 5)
	description="scale $scale: pgbench -s $pgscale, wide $wide rows, documents $docs x 100 kB, measurement $meas rows in 6 partitions, event_log $keyless rows (no key), $los large objects of 1 MiB"
	psql_on "$port" bench -c "
		CREATE TABLE category (id int PRIMARY KEY, name text NOT NULL);
		INSERT INTO category SELECT g, 'category ' || g FROM generate_series(1, 100) g;
		CREATE TABLE wide (
			id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
			category_id int NOT NULL REFERENCES category,
			account_id int NOT NULL,
			qty smallint,
			amount numeric(14,2),
			price double precision,
			ratio real,
			created_at timestamptz NOT NULL,
			updated_at timestamp,
			due date,
			active boolean,
			code uuid NOT NULL,
			name text,
			email varchar(120),
			tags text[],
			attrs jsonb,
			note text);
		CREATE TABLE documents (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL, digest bytea);
		ALTER TABLE documents ALTER body SET STORAGE EXTERNAL;
		CREATE TABLE measurement (id bigint NOT NULL, logdate date NOT NULL, sensor int NOT NULL,
			value double precision, PRIMARY KEY (id, logdate)) PARTITION BY RANGE (logdate);
		CREATE TABLE measurement_2024q1 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2024-04-01');
		CREATE TABLE measurement_2024q2 PARTITION OF measurement FOR VALUES FROM ('2024-04-01') TO ('2024-07-01');
		CREATE TABLE measurement_2024q3 PARTITION OF measurement FOR VALUES FROM ('2024-07-01') TO ('2024-10-01');
		CREATE TABLE measurement_2024q4 PARTITION OF measurement FOR VALUES FROM ('2024-10-01') TO ('2025-01-01');
		CREATE TABLE measurement_2025h1 PARTITION OF measurement FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
		CREATE TABLE measurement_default PARTITION OF measurement DEFAULT;
		CREATE TABLE event_log (at timestamptz, level text, message text, n int);" >/dev/null

	"$bindir/pgbench" -i -s "$pgscale" -I dtGpf -h 127.0.0.1 -p "$port" -U postgres bench >"$work/pgbench-init.log" 2>&1 &
	for ((i = 0; i < parallel; i++)); do # the wide table in $parallel slices
		from=$((wide * i / parallel + 1)) to=$((wide * (i + 1) / parallel))
		psql_on "$port" bench -c "
			INSERT INTO wide (id, category_id, account_id, qty, amount, price, ratio, created_at, updated_at,
			                  due, active, code, name, email, tags, attrs, note)
			SELECT g, 1 + g % 100, (g::bigint * 7919 % 1000003)::int, (g % 500)::smallint, round((g % 100000) / 3.0, 2),
			       g / 13.0, ((g % 1000) / 7.0)::real,
			       '2020-01-01'::timestamptz + g * interval '17 seconds',
			       '2021-01-01'::timestamp + (g % 86400) * interval '1 minute',
			       '2024-01-01'::date + (g % 730), g % 3 <> 0, md5(g::text)::uuid,
			       'customer ' || g, 'user' || g || '@example.' || (ARRAY['com', 'org', 'net'])[1 + g % 3],
			       CASE WHEN g % 11 <> 0 THEN ARRAY['t' || g % 10, 't' || g % 17] END,
			       jsonb_build_object('k', g % 1000, 'color', (ARRAY['red', 'green', 'blue'])[1 + g % 3],
			                          'flag', g % 2 = 0, 'n', g),
			       CASE WHEN g % 5 <> 0 THEN md5(g || 'a') || md5(g || 'b') END
			  FROM generate_series($from, $to) g" >/dev/null &
	done
	psql_on "$port" bench -c "
		INSERT INTO documents
		SELECT g, 'document ' || g,
		       (SELECT string_agg(md5(g || '-' || i), '') FROM generate_series(1, 3200) i),
		       (SELECT decode(string_agg(md5(i || '/' || g), ''), 'hex') FROM generate_series(1, 256) i)
		  FROM generate_series(1, $docs) g" >/dev/null &
	psql_on "$port" bench -c "
		INSERT INTO measurement
		SELECT g, '2024-01-01'::date + (g % 600), g % 500, sin(g) * 100 FROM generate_series(1, $meas) g;
		CREATE INDEX measurement_sensor ON measurement (sensor);
		INSERT INTO event_log
		SELECT '2024-01-01'::timestamptz + (g / 2) * interval '1 second', -- pairs of equal rows
		       (ARRAY['debug', 'info', 'warn', 'error'])[1 + (g / 2) % 4],
		       'event ' || (g / 2) % 1000 || ' ' || md5(((g / 2) % 5000)::text), (g / 2) % 100
		  FROM generate_series(1, $keyless) g" >/dev/null &
	psql_on "$port" bench -c "
		SELECT lo_from_bytea(0, (SELECT decode(string_agg(md5(i || ':' || g), ''), 'hex')
		                           FROM generate_series(1, 65536) i))
		  FROM generate_series(1, $los) g" >/dev/null &
	wait_all
	psql_on "$port" bench -c "SELECT setval(pg_get_serial_sequence('wide', 'id'), max(id)) FROM wide" >/dev/null
	for index in "wide_account ON wide (account_id)" "wide_category_created ON wide (category_id, created_at)" \
		"wide_code ON wide (code)" "wide_attrs ON wide USING gin (attrs jsonb_path_ops)"; do
		psql_on "$port" bench -c "CREATE $([[ $index == wide_code* ]] && echo UNIQUE) INDEX $index" >/dev/null &
	done
	wait_all
}

load_many() {
	local port=$1 per_session=$(((tables + parallel - 1) / parallel)) s first last from to
	description="$tables tables of $rows rows, each with a primary key and one secondary index"
	for ((s = 0; s < parallel; s++)); do
		first=$((s * per_session + 1)) last=$(((s + 1) * per_session))
		((last > tables)) && last=$tables
		((first > last)) && continue
		local batches=()
		for ((from = first; from <= last; from += 500)); do # a transaction per 500 tables
			to=$((from + 499 > last ? last : from + 499))
			batches+=(-c "DO \$\$ BEGIN FOR i IN $from..$to LOOP
				EXECUTE format('CREATE TABLE %I (id int PRIMARY KEY, v text)', 'm' || lpad(i::text, 5, '0'));
				EXECUTE format('INSERT INTO %I SELECT g, md5(g || %L) FROM generate_series(1, $rows) g', 'm' || lpad(i::text, 5, '0'), i);
				EXECUTE format('CREATE INDEX %I ON %I (v)', 'm' || lpad(i::text, 5, '0') || '_v', 'm' || lpad(i::text, 5, '0'));
			END LOOP; END \$\$")
		done
		psql_on "$port" bench "${batches[@]}" >/dev/null &
	done
	wait_all
}

# wait_all: waits for every background job, fails if one failed
wait_all() {
	local pid failed=0
	for pid in $(jobs -p); do wait "$pid" || failed=1; done
	((failed == 0)) || { echo "loading the source failed" >&2; exit 1; }
}

progress "loading the $dataset dataset"
load_started=$(date +%s.%N)
description=""
case "$dataset" in
	sample | pagila) load_known_dataset "$source_port" bench "$dataset" ;;
	synthetic)
		description="$tables tables x $rows rows"
		for i in $(seq 1 "$tables"); do
			psql_on "$source_port" bench -c "
				CREATE TABLE t$i (id bigint PRIMARY KEY, a integer, b text, c timestamptz, d numeric(12,2));
				INSERT INTO t$i SELECT g, g % 1000, 'row ' || g || ' ' || md5(g::text), '2020-01-01'::timestamptz + g * interval '1 second', g / 7.0
				  FROM generate_series(1, $rows) g;
				CREATE INDEX t${i}_a_b ON t$i (a, b);" >/dev/null &
		done
		wait_all ;;
	big) load_big "$source_port" ;;
	many) load_many "$source_port" ;;
esac
psql_on "$source_port" bench -c 'VACUUM ANALYZE' -c CHECKPOINT >/dev/null
load_seconds=$(awk -v a="$(date +%s.%N)" -v b="$load_started" 'BEGIN { printf "%.0f", a - b }')
size=$(psql_on "$source_port" bench -At -c "SELECT pg_size_pretty(pg_database_size('bench'))")

# the summary that verification compares: one line per table (structure), per table
# with data (rows and checksum), per sequence, and one for the large objects
cat >"$work/summary.sql" <<'SQL'
SELECT format('table %I.%I kind=%s columns=%s indexes=%s constraints=%s definitions=%s',
              n.nspname, c.relname, c.relkind,
              (SELECT md5(string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                     || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY a.attnum))
                 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
              (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid),
              (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid),
              md5(coalesce((SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY pg_get_indexdef(i.indexrelid))
                              FROM pg_index i WHERE i.indrelid = c.oid), '')
                  || ' / ' ||
                  coalesce((SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), '; '
                                              ORDER BY k.conname || ' ' || pg_get_constraintdef(k.oid))
                              FROM pg_constraint k WHERE k.conrelid = c.oid), '')))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
 ORDER BY n.nspname, c.relname;
SELECT format('SELECT %L || '' rows='' || count(*) || '' checksum='' || coalesce(sum(hashtext(bench_row::text)::bigint), 0) FROM ONLY %I.%I bench_row',
              format('data %I.%I', n.nspname, c.relname), n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE (c.relkind = 'r' OR c.relkind = 'm' AND c.relispopulated) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_(toast|temp)'
 ORDER BY n.nspname, c.relname
\gexec
SELECT format('sequence %I.%I last=%s', schemaname, sequencename, last_value)
  FROM pg_sequences ORDER BY schemaname, sequencename;
SELECT format('large objects count=%s bytes=%s contents=%s', count(*), coalesce(sum(size), 0),
              md5(coalesce(string_agg(digest, ',' ORDER BY digest), '')))
  FROM (SELECT length(b) AS size, md5(b) AS digest
          FROM (SELECT lo_get(oid) AS b FROM pg_largeobject_metadata) l) d;
SQL
# summarize PORT FILE: writes the summary of database bench on that server
summarize() {
	PGOPTIONS='-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=1' \
		psql_on "$1" bench -At -f "$work/summary.sql" >"$2" 2>"$2.err"
}
progress "summarizing the source ($size)"
summarize "$source_port" "$work/source.summary" || { cat "$work/source.summary.err" >&2; exit 1; }
table_count=$(grep -c '^table ' "$work/source.summary" || true)
row_total=$(awk '/^data / { sub("rows=", "", $3); n += $3 } END { printf "%.0f", n }' "$work/source.summary")
index_total=$(awk '/^table / { sub("indexes=", "", $5); n += $5 } END { print n + 0 }' "$work/source.summary")
lo_line=$(sed -n 's/^large objects count=\([0-9]*\) bytes=\([0-9]*\).*/\1 large objects, \2 bytes/p' "$work/source.summary")

# what each tool is called and how it runs: command_for TOOL ROUND sets cmd
declare -A labels=([ours]="pgcopydb (Spring Batch)" [dump]="pg_dump -Fd | pg_restore" [c]="pgcopydb (C)")
command_for() {
	local dir="$work/$1-$2.dir"
	case "$1" in
		ours) cmd=("$root/jobs/bin/pgcopydb" clone --source "$source_uri" --target "$target_uri" --dir "$dir"
			--pg-bin "$bindir" --table-jobs "$jobs" --index-jobs "$jobs" --restore-jobs "$jobs"
			${clone_options[@]+"${clone_options[@]}"}) ;;
		dump) # shellcheck disable=SC2016 # (bash -c's positional parameters)
			cmd=(bash -c '"$1/pg_dump" -h 127.0.0.1 -p "$2" -U postgres -Fd -Z0 -j "$4" -f "$5" bench &&
			"$1/pg_restore" -h 127.0.0.1 -p "$3" -U postgres -j "$4" -d bench "$5"' \
			pg_dump-restore "$bindir" "$source_port" "$target_port" "$jobs" "$dir") ;;
		# its own session (its sub-processes' signals stay in it); pg_dump and pg_restore
		# from the PATH
		c) cmd=(setsid --wait env PATH="$bindir:$PATH" pgcopydb clone --source "$source_uri" --target "$target_uri"
			--dir "$dir" --table-jobs "$jobs" --index-jobs "$jobs") ;;
	esac
}
tools=(ours)
if [[ "$compare" == yes ]]; then
	tools+=(dump)
	if [[ -z "${without_c:-}" ]] && command -v pgcopydb >/dev/null; then
		tools+=(c)
		labels[c]="pgcopydb $(pgcopydb --version 2>/dev/null | awk '/pgcopydb version/ { print $3; exit }') (C)"
	else
		progress "the C pgcopydb is left out (--without-c) or not on the PATH: not compared"
	fi
fi

# the JVM the launcher picks, and the jar's extracted layout made before any timing
java_used=$(PGCOPYDB_JAVA_OPTS="${PGCOPYDB_JAVA_OPTS:--Xmx1g} -XshowSettings:properties" \
	"$root/jobs/bin/pgcopydb" --version 2>&1 |
	awk '$1 == "java.runtime.version" { v = $3 } $1 == "java.home" { h = $3 } END { print v " (" h ")" }')

# measure TOOL ROUND: one untimed fresh target, the timed run, the untimed verification;
# appends "tool round wall user sys kb exit result" to $work/runs
force=$(psql_on "$target_port" postgres -At -c "SELECT CASE WHEN current_setting('server_version_num')::int >= 130000 THEN ' WITH (FORCE)' ELSE '' END")
: >"$work/runs"
measure() {
	local tool=$1 round=$2 status=0 result wall user sys kb cmd
	PGOPTIONS='-c client_min_messages=warning' psql_on "$target_port" postgres -c "DROP DATABASE IF EXISTS bench$force" -c 'CREATE DATABASE bench' -c CHECKPOINT >/dev/null
	rm -rf "$work/$tool-$round.dir"
	command_for "$tool" "$round"
	/usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "${cmd[@]}" \
		>"$work/$tool-$round.out" 2>"$work/$tool-$round.err" </dev/null || status=$?
	read -r wall user sys kb < <(tail -1 "$work/time.txt")
	if [[ "$status" != 0 ]]; then
		progress "${labels[$tool]} failed (exit $status) in round $round; the end of its output:"
		tail -5 "$work/$tool-$round.err" >&2
	fi
	[[ "$tool" != dump ]] || rm -rf "$work/dump-$round.dir" # the dumped data
	if summarize "$target_port" "$work/$tool-$round.summary" && diff -q "$work/source.summary" "$work/$tool-$round.summary" >/dev/null; then
		result=ok
	else
		result=DIFFERS
		progress "${labels[$tool]} round $round: the target differs from the source (< source, > target):"
		diff "$work/source.summary" "$work/$tool-$round.summary" | grep '^[<>]' | head -10 >&2 || true
		tail -3 "$work/$tool-$round.summary.err" >&2
	fi
	((status == 0)) || result="exit-$status,$result"
	echo "$tool $round $wall $user $sys $kb $status $result" >>"$work/runs"
	progress "round $round ${labels[$tool]}: ${wall} s, CPU $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') s, $((kb / 1024)) MB, $result"
}

# untimed warm-up: the target cluster's first WAL segments are created (later ones are
# recycled), and the source's pages read into memory, before any timed run
progress "warm-up (untimed): pg_dump | pg_restore"
PGOPTIONS='-c client_min_messages=warning' psql_on "$target_port" postgres -c "DROP DATABASE IF EXISTS bench$force" -c 'CREATE DATABASE bench' >/dev/null
command_for dump warmup
"${cmd[@]}" >/dev/null 2>&1 </dev/null || progress "the warm-up failed; going on"
rm -rf "$work/dump-warmup.dir"

# each round starts with the next tool, so that none is always first
for round in $(seq 1 "$rounds"); do
	for ((i = 0; i < ${#tools[@]}; i++)); do
		measure "${tools[$(((i + round - 1) % ${#tools[@]}))]}" "$round"
	done
done

# median_of TOOL FIELD: median of that field (3 wall, 9 user+sys, 4 user) over the tool's runs that exited 0
median_of() {
	awk -v t="$1" -v f="$2" '$1 == t && $7 == 0 { print (f == 9) ? $4 + $5 : $f }' "$work/runs" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; else print "-" }'
}
two() { awk -v v="$1" 'BEGIN { if (v == "-") print v; else printf "%.2f", v }'; } # two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

ours_wall=$(median_of ours 3) ours_cpu=$(median_of ours 9)
echo "dataset: $dataset${description:+ ($description)}: $size on disk, $table_count tables, $row_total rows, $index_total indexes${lo_line:+, $lo_line}; loaded in $load_seconds s"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') (source and target on this machine), java $java_used for ours"
echo "PGCOPYDB_JAVA_OPTS=${PGCOPYDB_JAVA_OPTS:--Xmx1g}$([[ -z "${PGCOPYDB_JAVA_OPTS:-}" ]] && echo " (the launcher's default)"); jobs $jobs; rounds $rounds${clone_options[0]+; our clone options: ${clone_options[*]}}"
echo
printf '%-26s %6s %9s %13s %8s %9s %8s  %-12s %10s %9s\n' tool runs "wall med" "wall min-max" "CPU med" "user med" "peak MB" verified "wall ratio" "CPU ratio"
for tool in "${tools[@]}"; do
	wall=$(median_of "$tool" 3) cpu=$(median_of "$tool" 9)
	range=$(awk -v t="$tool" '$1 == t { if (n++ == 0 || $3 < lo) lo = $3; if ($3 > hi) hi = $3 } END { printf "%.2f-%.2f", lo, hi }' "$work/runs")
	peak=$(awk -v t="$tool" '$1 == t && $6 > m { m = $6 } END { print int(m / 1024) }' "$work/runs")
	verified=$(awk -v t="$tool" '$1 == t { if ($8 == "ok") ok++; else if ($7 == 0) differs++; else failed++ }
		END { s = ok ? "ok " ok : ""; if (differs) s = s (s ? ", " : "") "DIFFERS " differs; if (failed) s = s (s ? ", " : "") "FAILED " failed; print s }' "$work/runs")
	printf '%-26s %6s %9s %13s %8s %9s %8s  %-12s %10s %9s\n' "${labels[$tool]}" "$rounds" "$(two "$wall")" "$range" "$(two "$cpu")" \
		"$(two "$(median_of "$tool" 4)")" "$peak" "$verified" "$(ratio "$ours_wall" "$wall")" "$(ratio "$ours_cpu" "$cpu")"
done
echo "(medians over the runs that exited 0; ratios are ours / that tool: below 1.00, ours took less)"
echo
echo "runs (wall and CPU user+sys in seconds, peak RSS in MB):"
printf '%-26s %5s %8s %8s %8s  %s\n' tool round wall CPU MB result
while read -r tool round wall user sys kb _ result; do
	printf '%-26s %5s %8s %8s %8s  %s\n' "${labels[$tool]}" "$round" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$((kb / 1024))" "$result"
done <"$work/runs"
