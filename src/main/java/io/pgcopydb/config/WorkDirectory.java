package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pgcopydb.error.BadConfigException;

/**
 * The layout of {@code --dir}: everything a run needs to resume, and what an operator
 * looks at afterwards.
 *
 * <pre>
 * pgcopydb.db          the JobRepository and the work plan (SQLite)
 * pgcopydb.lock        held by the process running a job here (pid and command inside)
 * snapshot             the snapshot id a live pgcopydb snapshot process holds
 * snapshot.lock        held by that process
 * schema/pre.dump      pg_dump custom archives, and the filtered lists restored
 * schema/post.dump
 * schema/pre.list
 * schema/post.list
 * logs/pgcopydb.log    this program's log
 * logs/pg_dump.log     output of the child processes
 * logs/pg_restore.log
 * </pre>
 */
public record WorkDirectory(Path root) {

	/** pgcopydb's default: ${TMPDIR:-/tmp}/pgcopydb. */
	public static Path defaultRoot() {
		String tmp = System.getenv("TMPDIR");
		return Path.of((tmp == null || tmp.isBlank()) ? "/tmp" : tmp, "pgcopydb");
	}

	public WorkDirectory create() {
		try {
			Files.createDirectories(schemaDir());
			Files.createDirectories(logsDir());
			return this;
		}
		catch (IOException ex) {
			throw new BadConfigException(
					"cannot use " + this.root + " as the work directory (" + ex.getClass().getSimpleName() + ": "
							+ ex.getMessage() + "): pass a writable directory with --dir",
					ex);
		}
	}

	/**
	 * Takes this directory's lock for a job-running {@code command}; see
	 * {@link DirectoryLock}.
	 */
	public DirectoryLock lock(String command) {
		return DirectoryLock.acquire(this, this.root.resolve("pgcopydb.lock"), command);
	}

	/** Whether a live process runs a job in this directory now. */
	public boolean isLocked() {
		return DirectoryLock.isHeld(this.root.resolve("pgcopydb.lock"));
	}

	/**
	 * Takes the lock of the process holding this directory's snapshot
	 * ({@code pgcopydb snapshot}); the protocol is
	 * {@code snapshot.SnapshotPublication}'s.
	 */
	public DirectoryLock snapshotLock() {
		return DirectoryLock.acquire(this, snapshotLockFile(), "snapshot");
	}

	/**
	 * Whether a live {@code pgcopydb snapshot} process holds this directory's snapshot.
	 */
	public boolean isSnapshotLocked() {
		return DirectoryLock.isHeld(snapshotLockFile());
	}

	private Path snapshotLockFile() {
		return this.root.resolve("snapshot.lock");
	}

	/** Where {@code pgcopydb snapshot} publishes the id of the snapshot it holds. */
	public Path snapshotFile() {
		return this.root.resolve("snapshot");
	}

	/** Writes a file of the run (a restore list); a failure names the file and --dir. */
	public Path write(Path file, String content) {
		try {
			return Files.writeString(file, content);
		}
		catch (IOException ex) {
			throw new BadConfigException("cannot write " + file + " (" + ex.getClass().getSimpleName() + ": "
					+ ex.getMessage() + "): check the free space and permissions of --dir " + this.root, ex);
		}
	}

	public Path repositoryFile() {
		return this.root.resolve("pgcopydb.db");
	}

	public Path schemaDir() {
		return this.root.resolve("schema");
	}

	/**
	 * The source database's properties, read by dump schema, so that restore post-data
	 * needs no source.
	 */
	public Path databaseProperties() {
		return schemaDir().resolve("database-properties.json");
	}

	public Path preDataArchive() {
		return schemaDir().resolve("pre.dump");
	}

	public Path postDataArchive() {
		return schemaDir().resolve("post.dump");
	}

	public Path preDataList() {
		return schemaDir().resolve("pre.list");
	}

	public Path postDataList() {
		return schemaDir().resolve("post.list");
	}

	public Path logsDir() {
		return this.root.resolve("logs");
	}

	public Path logFile() {
		return logsDir().resolve("pgcopydb.log");
	}

	public Path pgDumpLog() {
		return logsDir().resolve("pg_dump.log");
	}

	public Path pgRestoreLog() {
		return logsDir().resolve("pg_restore.log");
	}

}
