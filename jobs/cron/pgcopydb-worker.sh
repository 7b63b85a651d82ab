#!/usr/bin/env bash
# pgcopydb-worker.sh: one worker of a distributed clone (clone --distributed), for a
# scheduler that starts it on each worker host and simply calls it again after a
# failure (cron every N minutes, or a rerun rule).
#
# - The worker takes the run's partitions from the shared repository until the run
#   completes, then exits 0; called again after that, it exits 0 at once. Started before
#   the manager, it waits for the run (--wait-for-run, 600 s by default).
# - flock: one worker per run on this host from this wrapper (start more with
#   --table-jobs/--index-jobs, or another lock file).
# - Environment: PGCOPYDB_REPOSITORY_URL, PGCOPYDB_RUN_NAME, PGCOPYDB_SOURCE_PGURI,
#   PGCOPYDB_TARGET_PGURI (as this host reaches the servers), passwords in ~/.pgpass
#   or PGPASSWORD; PGCOPYDB_DIR for the worker's logs (<dir>/workers/<host>-<pid>).
# Exit code: pgcopydb's (see jobs/README.md); 75 when another call holds the flock.
set -euo pipefail

: "${PGCOPYDB_RUN_NAME:?set PGCOPYDB_RUN_NAME to the run the manager logs (--run-name)}"
: "${PGCOPYDB_REPOSITORY_URL:?set PGCOPYDB_REPOSITORY_URL to the shared repository}"
: "${PGCOPYDB_DIR:=/var/lib/pgcopydb/$PGCOPYDB_RUN_NAME}"
: "${PGCOPYDB_LOG_DIR:=$PGCOPYDB_DIR/cron-logs}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$PGCOPYDB_LOG_DIR"
log="$PGCOPYDB_LOG_DIR/pgcopydb-worker-$(date +%Y%m%dT%H%M%S).log"

exec 9>"$PGCOPYDB_DIR.worker.flock"
if ! flock -n 9; then
	echo "$(date -Is) a worker of $PGCOPYDB_RUN_NAME still runs on this host; skipping" >>"$log"
	exit 75
fi
set +e
"$here/../bin/pgcopydb" worker --dir "$PGCOPYDB_DIR" "$@" >>"$log" 2>&1
code=$?
set -e
echo "$(date -Is) pgcopydb worker exited with $code" >>"$log"
exit "$code"
