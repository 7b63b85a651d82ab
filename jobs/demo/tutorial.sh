#!/usr/bin/env bash
# tutorial.sh: pgcopydb's step-by-step tutorial, run as written, on a throwaway pair of
# PostgreSQL servers.
#
# The sequence in the middle is the tutorial's, unchanged: connection strings in the
# environment, the default --dir ($TMPDIR/pgcopydb, here inside the temporary
# directory), a snapshot held by a `pgcopydb snapshot` coprocess, and a schema change on
# the target (schema-changes.sql adds a column with a default) between the pre-data
# restore and the data copy. At the end, every table must have the same row count on
# both sides.
#
# Usage: jobs/demo/tutorial.sh [sql files to load into the source, in order]
#        (default: jobs/demo/sample-db.sql; for pagila:
#         ../shared/data/pagila/pagila-schema.sql ../shared/data/pagila/pagila-data.sql)
# Needs what jobs/bin/pgcopydb-demo needs: a JDK 17+ and the PostgreSQL binaries.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -eq 0 ]]; then set -- "$here/sample-db.sql"; fi
datasets=()
for file in "$@"; do datasets+=("$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"); done
# shellcheck source=../lib/throwaway-servers.sh
source "$here/../lib/throwaway-servers.sh"

echo "tutorial: starting two PostgreSQL servers from $bindir in $work" >&2
source_port=$(start_server source)
target_port=$(start_server target)
psql_on "$source_port" postgres -c 'CREATE DATABASE app'
psql_on "$target_port" postgres -c 'CREATE DATABASE app'
for file in "${datasets[@]}"; do
	echo "tutorial: loading $file into the source" >&2
	psql_on "$source_port" app -f "$file" >/dev/null
done

# `pgcopydb` on the PATH is this project's launcher; build the jar now, not in two
# commands at once
mkdir -p "$work/bin"
ln -s "$here/../bin/pgcopydb" "$work/bin/pgcopydb"
"$work/bin/pgcopydb" --version >/dev/null
export PATH="$work/bin:$bindir:$PATH"
export TMPDIR="$work"
export PGCOPYDB_SOURCE_PGURI="postgres://postgres@127.0.0.1:$source_port/app"
export PGCOPYDB_TARGET_PGURI="postgres://postgres@127.0.0.1:$target_port/app"

# the first table by size gets a new column on the target
table=$(psql_on "$source_port" app -At -c "
	SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	 WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
	 ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 1")
cat >"$work/schema-changes.sql" <<SQL
ALTER TABLE $table ADD COLUMN migrated_from text NOT NULL DEFAULT 'old-db';
SQL
cd "$work"

# ---- the tutorial, as written ----
coproc ( pgcopydb snapshot )

pgcopydb dump schema --resume
pgcopydb restore pre-data --resume
psql -d "$PGCOPYDB_TARGET_PGURI" -f schema-changes.sql
pgcopydb copy data --resume
pgcopydb restore post-data --resume

kill -TERM ${COPROC_PID}
wait ${COPROC_PID}

pgcopydb list progress --summary
# ---- end of the tutorial ----

if [[ "$(row_counts "$source_port" app)" == "$(row_counts "$target_port" app)" ]]; then
	echo "tutorial: every table has the same row count on source and target; $table has the new column" >&2
else
	echo "tutorial: row counts differ between source and target" >&2
	exit 1
fi
