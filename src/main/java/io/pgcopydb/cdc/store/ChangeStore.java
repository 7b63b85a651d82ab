package io.pgcopydb.cdc.store;

import java.nio.file.Path;

import io.pgcopydb.cdc.Lsn;

/**
 * The durable change files of a follow, in {@code --dir}/cdc: what receive has taken from
 * the slot and apply has not yet made durable on the target. Receive appends, apply
 * reads, and files are removed once the target's replication origin (flushed) covers
 * them.
 * <p>
 * Durability contract: {@link ChangeWriter#sync()} returns the end LSN of the last
 * <em>complete</em> transaction whose every record is on disk (fsync); only that position
 * may be confirmed to the slot. A transaction cut by a crash is dropped at the next
 * {@link #writer}: the server sends it again from the slot's confirmed position. Memory
 * stays bounded whatever the size of one transaction or of the backlog: records stream to
 * and from the files.
 */
public final class ChangeStore {

	private final Path dir;

	private ChangeStore(Path dir) {
		this.dir = dir;
	}

	/** The store in {@code dir}, created when missing. */
	public static ChangeStore open(Path dir) {
		throw new UnsupportedOperationException("issue 11: change store");
	}

	/**
	 * The writer, after dropping any incomplete transaction at the end of the files. One
	 * writer at a time.
	 */
	public ChangeWriter writer() {
		throw new UnsupportedOperationException("issue 11: change store");
	}

	/**
	 * A reader of the complete transactions whose commit end LSN is after {@code after}
	 * (the target origin's position), in commit order. It may run while the writer
	 * appends, in this process or another.
	 */
	public ChangeReader reader(Lsn after) {
		throw new UnsupportedOperationException("issue 11: change store");
	}

	/**
	 * Removes the files holding only transactions ending at or before {@code applied},
	 * the flushed position of the target's replication origin.
	 */
	public void removeUpTo(Lsn applied) {
		throw new UnsupportedOperationException("issue 11: change store");
	}

	/**
	 * The span the files cover: the commit end LSN of the first and of the last complete
	 * transaction held, or null when empty. A resume checks that this covers the gap
	 * between the origin's position and the slot's confirmed position.
	 */
	public Coverage coverage() {
		throw new UnsupportedOperationException("issue 11: change store");
	}

	/** Bytes used on disk by the change files. */
	public long diskBytes() {
		throw new UnsupportedOperationException("issue 11: change store");
	}

	public Path dir() {
		return this.dir;
	}

	/**
	 * @param from the end LSN of the oldest transaction held
	 * @param to the end LSN of the newest complete transaction held
	 */
	public record Coverage(Lsn from, Lsn to) {
	}

}
