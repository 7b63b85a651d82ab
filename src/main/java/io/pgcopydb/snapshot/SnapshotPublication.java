package io.pgcopydb.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

import io.pgcopydb.config.DirectoryLock;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.BadStateException;

/**
 * How a {@code pgcopydb snapshot} process shares its snapshot with the commands run
 * meanwhile in the same --dir:
 * <ol>
 * <li>the holder takes {@code snapshot.lock}, an operating-system lock that the kernel
 * releases when the holder ends, even by kill -9;
 * <li>it removes a {@code snapshot} file that a killed holder left, exports its snapshot,
 * and only then writes the id into {@code snapshot};
 * <li>it removes the file when it releases the snapshot.
 * </ol>
 * A reader trusts the file only while the lock is held: a file whose holder is gone names
 * a snapshot that ended with it. A holder that has taken the lock but not yet published
 * (the tutorial starts it in the background and goes on at once) is waited for.
 */
public final class SnapshotPublication {

	private final WorkDirectory dir;

	public SnapshotPublication(WorkDirectory dir) {
		this.dir = dir;
	}

	/**
	 * The holder's side, step 1 and the first half of step 2: the lock, and no stale
	 * file.
	 */
	DirectoryLock claim() {
		DirectoryLock lock = this.dir.snapshotLock();
		try {
			Files.deleteIfExists(this.dir.snapshotFile());
			return lock;
		}
		catch (IOException ex) {
			lock.close();
			throw cannotRemove(ex);
		}
	}

	void publish(String id) {
		this.dir.write(this.dir.snapshotFile(), id + "\n");
	}

	void withdraw() {
		try {
			Files.deleteIfExists(this.dir.snapshotFile());
		}
		catch (IOException ex) {
			throw cannotRemove(ex);
		}
	}

	/**
	 * The snapshot a live holder publishes for this directory, if any; a holder that has
	 * started but not yet published is waited for, up to {@code publishWait}.
	 */
	public Optional<String> held(Duration publishWait) {
		long deadline = System.nanoTime() + publishWait.toNanos();
		while (this.dir.isSnapshotLocked()) {
			Optional<String> published = published();
			if (published.isPresent()) {
				return published;
			}
			if (System.nanoTime() > deadline) {
				throw new BadStateException("a pgcopydb snapshot process holds --dir " + this.dir.root()
						+ " but published no snapshot within " + publishWait.toSeconds() + " s: see its output, or"
						+ " stop it to let this command take its own snapshot");
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new BadStateException("interrupted while waiting for the snapshot of pgcopydb snapshot", ex);
			}
		}
		return Optional.empty();
	}

	private Optional<String> published() {
		try {
			String id = Files.exists(this.dir.snapshotFile()) ? Files.readString(this.dir.snapshotFile()).strip() : "";
			return id.isEmpty() ? Optional.empty() : Optional.of(id);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private BadConfigException cannotRemove(IOException ex) {
		return new BadConfigException("cannot remove " + this.dir.snapshotFile() + ": " + ex.getMessage()
				+ ": check the permissions of --dir " + this.dir.root(), ex);
	}

}
