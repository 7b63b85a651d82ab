package io.pgcopydb.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.BadStateException;

/**
 * The lock of a work directory: one job-running process per --dir at a time. It is an
 * operating-system file lock, released by the kernel when its process ends, even by kill
 * -9. So a process that holds it knows that a run the JobRepository still calls STARTED
 * is stale: its process is gone.
 */
public final class DirectoryLock implements AutoCloseable {

	private final FileChannel channel;

	private final FileLock lock;

	/** The lease of the run in a shared repository, held with this lock; or null. */
	private RepositoryLease lease;

	private DirectoryLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Takes the lock {@code file} of {@code dir} for {@code command}, or fails naming the
	 * process that holds it.
	 */
	static DirectoryLock acquire(WorkDirectory dir, Path file, String command) {
		try {
			FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			FileLock lock = tryLock(channel);
			if (lock == null) {
				String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
				channel.close();
				throw new BadStateException("another pgcopydb process is running in --dir " + dir.root() + " ("
						+ (holder.isEmpty() ? "unknown process" : holder)
						+ "): wait for it to end, stop it, or use another --dir");
			}
			channel.truncate(0);
			String owner = "pid " + ProcessHandle.current().pid() + ": " + command + "\n";
			channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
			return new DirectoryLock(channel, lock);
		}
		catch (IOException ex) {
			throw new BadConfigException(
					"cannot lock " + file + " (" + ex.getMessage() + "): check the permissions of --dir " + dir.root(),
					ex);
		}
	}

	/**
	 * Another process may be probing the lock ({@link #isHeld}) for an instant: retry
	 * briefly before concluding that it is held.
	 */
	private static FileLock tryLock(FileChannel channel) throws IOException {
		for (int attempt = 0; attempt < 10; attempt++) {
			FileLock lock = channel.tryLock();
			if (lock != null) {
				return lock;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return null;
	}

	/**
	 * Whether a live process holds the lock {@code file} (a missing file: no). Meant for
	 * another process: a lock this JVM holds counts as held.
	 */
	static boolean isHeld(Path file) {
		if (!Files.exists(file)) {
			return false;
		}
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			FileLock lock = tryLock(channel);
			if (lock == null) {
				return true;
			}
			lock.release();
			return false;
		}
		catch (OverlappingFileLockException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Holds {@code lease} until this lock is released. */
	void hold(RepositoryLease lease) {
		this.lease = lease;
	}

	@Override
	public void close() {
		if (this.lease != null) {
			this.lease.close();
		}
		try {
			this.lock.release();
			this.channel.close();
		}
		catch (IOException ignored) {
			// the kernel releases the lock with the process anyway
		}
	}

}
