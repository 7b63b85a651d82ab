package io.pgcopydb.cdc.sentinel;

import java.time.Duration;
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
 * @param replayLsn applied and committed on the target (the origin's position), or
 * receive's durable position once apply has applied all it holds (an idle source)
 * @param replayTime the source commit time of the last transaction applied, for the lag
 * in seconds
 * @param updated when the job last wrote this row
 */
public record Sentinel(Lsn startpos, Lsn endpos, boolean apply, Lsn writeLsn, Lsn flushLsn, Lsn replayLsn,
		Instant replayTime, Instant updated) {

	/** WAL bytes received and durable in --dir but not applied on the target yet. */
	public long lagBytes() {
		return this.flushLsn.bytesAfter(this.replayLsn);
	}

	/**
	 * How far the target is behind in time: from the source commit of the last
	 * transaction applied to {@code now}, when more is waiting; zero when the target has
	 * applied all that was received, null when nothing was applied yet.
	 */
	public Duration lagTime(Instant now) {
		if (lagBytes() == 0) {
			return Duration.ZERO;
		}
		if (this.replayTime == null) {
			return null;
		}
		Duration lag = Duration.between(this.replayTime, now);
		return lag.isNegative() ? Duration.ZERO : lag;
	}

	/** Whether an endpos is set and the target has applied up to it. */
	public boolean endposReached() {
		return this.endpos.isValid() && !this.replayLsn.isBefore(this.endpos);
	}

}
