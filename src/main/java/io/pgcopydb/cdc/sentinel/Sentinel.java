package io.pgcopydb.cdc.sentinel;

import java.time.Instant;

import io.pgcopydb.cdc.Lsn;

/**
 * The sentinel of a follow, pgcopydb's word: what the operator asks ({@code startpos},
 * {@code endpos}, {@code apply}) and where the streaming job is ({@code write},
 * {@code flush}, {@code replay}). It lives in the repository of --dir, so
 * {@code stream sentinel set ...} from another process steers the running job.
 *
 * @param startpos where streaming starts (the slot's consistent point at setup)
 * @param endpos where the follow ends, {@link Lsn#INVALID} for none: every transaction
 * ending at or before it is applied, then the job ends with exit 0
 * @param apply whether apply may run (set once the clone's data and post-data are done;
 * {@code set prefetch} clears it)
 * @param writeLsn received and written to the change files
 * @param flushLsn durable in the change files, and confirmed to the slot
 * @param replayLsn applied and committed on the target (the origin's position)
 * @param replayTime the source commit time of the last transaction applied, for the lag
 * in seconds
 * @param updated when the job last wrote this row
 */
public record Sentinel(Lsn startpos, Lsn endpos, boolean apply, Lsn writeLsn, Lsn flushLsn, Lsn replayLsn,
		Instant replayTime, Instant updated) {
}
