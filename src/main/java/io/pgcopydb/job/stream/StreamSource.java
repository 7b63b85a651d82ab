package io.pgcopydb.job.stream;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.store.ChangeStore;

/**
 * What the streaming job needs of the source side of a follow ({@code cdc.receive}): the
 * one seam between the job's steps and the slot, so that the steps read the same whatever
 * the receiver does inside.
 */
interface StreamSource {

	/**
	 * Checks the source (wal_level, REPLICATION, replica identities), creates the
	 * publication (pgoutput), then the slot with an exported snapshot, then the target's
	 * origin, and records them in the repository of --dir.
	 * @return the handle keeping the replication session that exported the snapshot open
	 * and idle; closing it ends the snapshot, never the slot
	 */
	Created create(FollowRequest request);

	/** What setup recorded in --dir, or null when nothing is. */
	StreamRecord recorded();

	/**
	 * Checks that the recorded slot, publication and origin exist and that the source is
	 * the recorded one (its system identifier); fails with exit 3 naming what differs.
	 */
	void verify(StreamRecord recorded, FollowRequest request);

	/** The slot's {@code confirmed_flush_lsn}: where the server restarts streaming. */
	Lsn slotConfirmed(StreamRecord recorded, FollowRequest request);

	/**
	 * Streams from the slot into {@code store} until the sentinel's endpos is durable in
	 * the change files (returns true) or {@code control} asks to stop (returns false).
	 */
	boolean receive(StreamRecord recorded, FollowRequest request, ChangeStore store, ReceiveControl control)
			throws InterruptedException;

	/** Drops the recorded slot, publication and origin and forgets them. */
	void cleanup(StreamRecord recorded, FollowRequest request);

	/**
	 * A setup just done: what is recorded, and the session holding the slot's snapshot.
	 */
	record Created(StreamRecord recorded, AutoCloseable snapshotHolder) {
	}

	/** What steers receive, read between messages. */
	interface ReceiveControl {

		/** The sentinel's endpos, {@link Lsn#INVALID} for none. */
		Lsn endpos();

		boolean stopRequested();

		/** The target origin's position, reported to the source as replay. */
		Lsn applied();

		/**
		 * Received and written, and durable in the change files (confirmed to the slot).
		 */
		void received(Lsn write, Lsn flush);

	}

}
