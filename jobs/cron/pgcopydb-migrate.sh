#!/usr/bin/env bash
# pgcopydb-migrate.sh: one migration, driven to completion by a scheduler that simply
# calls this script again after a failure (cron every N minutes, or a rerun rule).
#
# - First call: starts the clone. Later calls: finish it with --resume (completed
#   tables and indexes are kept), and once it has completed, exit 0 doing nothing.
#   Whether a clone was started is read from the run's repository (job list), so a
#   first call refused before it started is simply made again.
# - flock: never two runs at once for the same migration (pgcopydb also refuses a
#   second process in the same --dir, with exit code 3).
# - One log file per call in $PGCOPYDB_LOG_DIR; pgcopydb's own log is in --dir/logs.
# - Connection strings and passwords come from the environment (or ~/.pgpass):
#   PGCOPYDB_SOURCE_PGURI, PGCOPYDB_TARGET_PGURI, PGPASSWORD. Never put them in
#   the crontab line, where `ps` and the cron log show them.
# Exit code: pgcopydb's (see jobs/README.md); 75 when another call holds the flock.
set -euo pipefail

: "${PGCOPYDB_DIR:?set PGCOPYDB_DIR to the work directory of this migration}"
: "${PGCOPYDB_LOG_DIR:=$PGCOPYDB_DIR/cron-logs}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$PGCOPYDB_LOG_DIR"
log="$PGCOPYDB_LOG_DIR/pgcopydb-$(date +%Y%m%dT%H%M%S).log"

exec 9>"$PGCOPYDB_DIR.flock"
if ! flock -n 9; then
	echo "$(date -Is) another call is still running for $PGCOPYDB_DIR; skipping" >>"$log"
	exit 75
fi

# Decide from what the run recorded, not from files: a first call refused before it
# started (target not empty, bad password) or killed in its first seconds leaves a
# repository without any clone, and --resume would then be refused on every call.
# job list reads the runs wherever they are kept (pgcopydb.db in the --dir, or a shared
# repository: PGCOPYDB_REPOSITORY_URL or pgcopydb.repository.url), and exits 3 when none
# is recorded.
recorded=no
runs=$("$here/../bin/pgcopydb" job list --json --dir "$PGCOPYDB_DIR" 2>>"$log" || true)
if grep -q '"job" *: *"clone"' <<<"$runs"; then
	recorded=yes
fi
args=(clone --dir "$PGCOPYDB_DIR")
if [[ $recorded == yes ]]; then
	# a clone is recorded: finish it (or do nothing once it completed). Without a held
	# snapshot (pgcopydb snapshot) the resume reads a new one; drop --not-consistent to
	# insist on the original.
	args+=(--resume --not-consistent)
fi
set +e
"$here/../bin/pgcopydb" "${args[@]}" "$@" >>"$log" 2>&1
code=$?
set -e
echo "$(date -Is) pgcopydb ${args[*]} exited with $code" >>"$log"
exit "$code"
