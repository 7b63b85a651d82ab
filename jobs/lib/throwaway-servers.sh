# Sourced by jobs/bin/pgcopydb-demo and jobs/bench/*: start throwaway PostgreSQL
# servers on 127.0.0.1 in a temporary directory, and stop them on exit.
#
# After sourcing: $bindir (PostgreSQL binaries), $work (temp dir), $PGPASSWORD
# (the servers' superuser password, exported for psql), start_server NAME (prints the
# port), psql_on PORT DB ARGS..., and an EXIT trap that stops the servers and removes
# $work (set KEEP_WORK=1 to keep it).

find_bindir() {
	if [[ -n "${PG_BINDIR:-}" ]]; then echo "$PG_BINDIR"; return; fi
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
	if [[ -n "$d" ]]; then echo "$d"; return; fi
	if command -v pg_config >/dev/null; then pg_config --bindir; return; fi
	echo "no PostgreSQL binaries found: install postgresql (e.g. apt-get install postgresql-15) or set PG_BINDIR" >&2
	exit 2
}
bindir="$(find_bindir)"

work="$(mktemp -d "${TMPDIR:-/tmp}/pgcopydb-$(basename "$0").XXXXXX")"
run_as=()
if [[ "$(id -u)" == 0 ]]; then
	# initdb refuses to run as root: run the servers as the postgres (or nobody) user
	pguser=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
	chown "$pguser" "$work"
	run_as=(runuser -u "$pguser" --)
fi

PGPASSWORD="throwaway-$RANDOM$RANDOM"
export PGPASSWORD
printf '%s\n' "$PGPASSWORD" >"$work/pwfile"
chmod 600 "$work/pwfile"
[[ ${#run_as[@]} -gt 0 ]] && chown "$pguser" "$work/pwfile"

# start_server runs in a command substitution (a subshell): the data directories it
# started are listed in a file, not in a variable the subshell cannot give back
stop_servers() {
	local d
	if [[ -f "$work/started" ]]; then
		while read -r d; do
			"${run_as[@]}" "$bindir/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
		done <"$work/started"
	fi
	[[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"
}
trap stop_servers EXIT

free_port() { # a random port in the dynamic range that nothing answers on
	local port
	while :; do
		port=$((49152 + RANDOM % 16000))
		(echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
	done
}

# start_server NAME [extra postgres -c settings...]: prints the port
start_server() {
	local name=$1 port opts
	shift
	port=$(free_port)
	opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work -c fsync=off -c wal_level=logical"
	for setting in "$@"; do opts+=" -c $setting"; done
	"${run_as[@]}" "$bindir/initdb" -D "$work/$name" -U postgres --pwfile="$work/pwfile" -E UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host=scram-sha-256 --no-sync >"$work/$name-initdb.log" 2>&1 || {
		echo "initdb of the $name server failed: see $work/$name-initdb.log" >&2
		return 1
	}
	# PostgreSQL 15.19, 16.15, 17.11, 18.6 and later trust only the output plugins this
	# setting names; older servers refuse it
	if "${run_as[@]}" "$bindir/postgres" -D "$work/$name" -C output_plugin_libraries >/dev/null 2>&1; then
		opts+=" -c output_plugin_libraries=pgoutput,test_decoding,wal2json"
	fi
	# (a command substitution does not inherit set -e: each failure returns by itself)
	echo "$work/$name" >>"$work/started"
	"${run_as[@]}" "$bindir/pg_ctl" -D "$work/$name" -w -l "$work/$name.log" -o "$opts" start >/dev/null || {
		echo "the $name server did not start; its log ends with:" >&2
		tail -5 "$work/$name.log" >&2
		return 1
	}
	echo "$port"
}

# psql_on PORT DB ARGS...
psql_on() {
	local port=$1 db=$2
	shift 2
	"$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# load_known_dataset PORT DB sample|pagila: loads one of the datasets the benchmarks
# know; returns 1 for another name (the caller may know more)
load_known_dataset() {
	local port=$1 db=$2 name=$3 project
	project="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
	case "$name" in
		sample) psql_on "$port" "$db" -f "$project/jobs/demo/sample-db.sql" >/dev/null ;;
		pagila)
			local pagila="$project/../shared/data/pagila"
			[[ -d "$pagila" ]] || { echo "pagila not found at $pagila (../shared is absent)" >&2; exit 2; }
			psql_on "$port" "$db" -f "$pagila/pagila-schema.sql" >/dev/null
			psql_on "$port" "$db" -f "$pagila/pagila-data.sql" >/dev/null ;;
		*) return 1 ;;
	esac
}

# row_counts PORT DB: "schema.table=count ..." for every ordinary table, in name order;
# equal strings on two servers mean every table has the same row count
row_counts() {
	psql_on "$1" "$2" -At -c "
		SELECT string_agg(format('%s.%s=%s', n.nspname, c.relname,
		       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text),
		       ' ' ORDER BY n.nspname, c.relname)
		  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'"
}
