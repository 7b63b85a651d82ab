package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import io.pgcopydb.error.BadConfigException;

/**
 * The layout of {@code --dir}: everything a run needs to resume, and what an operator
 * looks at afterwards.
 *
 * <pre>
 * pgcopydb.db          the JobRepository and the work plan (SQLite), unless they are
 *                      kept in a shared repository ({@link SharedRepository})
 * pgcopydb.lock        held by the process running a job here (pid and command inside)
 * snapshot             the snapshot id a live pgcopydb snapshot process holds
 * snapshot.lock        held by that process
 * schema/pre.dump      pg_dump custom archives, and the filtered lists restored
 * schema/post.dump
 * schema/pre.list
 * schema/post.list
 * schema/pre-data.attempted   dumpIds of the entries the run restored (its own objects)
 * schema/post-data.attempted
 * logs/pgcopydb.log    this program's log
 * logs/pg_dump.log     output of the child processes
 * logs/pg_restore.log
 * processes            session tags of processes that ran a job here and did not end cleanly
 * children/&lt;pid&gt;       one record per running pg_dump or pg_restore (pid, start time, tag)
 * </pre>
 */
public record WorkDirectory(Path root, SharedRepository sharedRepository) {

	/** A work directory with its embedded repository, {@link #repositoryFile()}. */
	public WorkDirectory(Path root) {
		this(root, null);
	}

	/**
	 * The same directory with its runs kept in {@code repository} (null: the embedded
	 * file).
	 */
	public WorkDirectory withRepository(SharedRepository repository) {
		return new WorkDirectory(this.root, repository);
	}

	/**
	 * Whether a run was ever recorded for this directory: its repository file exists, or
	 * its run's schema in the shared repository.
	 */
	public boolean hasRecordedRuns() {
		return (this.sharedRepository != null) ? this.sharedRepository.hasRuns() : Files.exists(repositoryFile());
	}

	/** pgcopydb's default: ${TMPDIR:-/tmp}/pgcopydb. */
	public static Path defaultRoot() {
		String tmp = System.getenv("TMPDIR");
		return Path.of((tmp == null || tmp.isBlank()) ? "/tmp" : tmp, "pgcopydb");
	}

	/**
	 * Creates the directory and its schema/ and logs/ for the owner only (0700), and the
	 * files the run and its children write there for the owner only (0600): archives,
	 * lists and logs describe the source's schema. An existing directory that another
	 * user owns, or that others may write to, is refused: they could replace the archives
	 * that pg_restore then runs on the target.
	 * @throws BadConfigException naming the directory and the remedy
	 */
	public WorkDirectory create() {
		try {
			if (Files.isDirectory(this.root)) {
				checkPrivate(this.root);
			}
			for (Path dir : List.of(this.root, schemaDir(), logsDir())) {
				if (!Files.isDirectory(dir)) {
					Files.createDirectories(dir);
					ownerOnly(dir, "rwx------");
				}
			}
			ownerOnly(schemaDir(), "rwx------");
			ownerOnly(logsDir(), "rwx------");
			for (Path file : List.of(logFile(), pgDumpLog(), pgRestoreLog())) {
				createIfMissing(file);
				ownerOnly(file, "rw-------");
			}
			// created by SQLite on first use (its journal files take its mode); whether
			// it
			// exists tells a wrapper whether a run was ever recorded, so it is not made
			// here
			if (Files.exists(repositoryFile())) {
				ownerOnly(repositoryFile(), "rw-------");
			}
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
	 * Creates {@code file} unless it exists; another process of the same --dir (the
	 * tutorial's {@code pgcopydb snapshot} in the background) may create it at the same
	 * moment, which is no failure.
	 * @return whether this call created it
	 */
	private static boolean createIfMissing(Path file) throws IOException {
		try {
			Files.createFile(file);
			return true;
		}
		catch (FileAlreadyExistsException ex) {
			return false;
		}
	}

	/**
	 * Refuses a directory another user owns or others may write to.
	 */
	private void checkPrivate(Path dir) throws IOException {
		PosixFileAttributes attributes;
		try {
			attributes = Files.readAttributes(dir, PosixFileAttributes.class);
		}
		catch (UnsupportedOperationException ex) {
			return;
		}
		String me = System.getProperty("user.name");
		if (!attributes.owner().getName().equals(me)) {
			throw new BadConfigException("--dir " + dir + " belongs to " + attributes.owner().getName() + ", not to "
					+ me + ": its schema archives could be replaced by that user; pass a --dir of your own");
		}
		Set<PosixFilePermission> permissions = attributes.permissions();
		if (permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			throw new BadConfigException("--dir " + dir + " is writable by other users ("
					+ PosixFilePermissions.toString(permissions) + "): they could replace the schema archives that"
					+ " pg_restore runs on the target; chmod go-w " + dir + ", or pass another --dir");
		}
	}

	/** Sets owner-only permissions where the file system has POSIX ones. */
	private static void ownerOnly(Path path, String permissions) throws IOException {
		try {
			Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: its own access control applies
		}
	}

	/**
	 * The records of the processes working from this directory; see
	 * {@link ProcessRecords}.
	 */
	public ProcessRecords processRecords() {
		return new ProcessRecords(this.root);
	}

	/**
	 * Takes this directory's lock for a job-running {@code command}; see
	 * {@link DirectoryLock}. With a shared repository, the lock also holds the run's
	 * lease there ({@link RepositoryLease}), which keeps processes on other hosts off the
	 * run.
	 */
	public DirectoryLock lock(String command) {
		return lock(command, () -> {
		});
	}

	/**
	 * As {@link #lock(String)}; {@code onLeaseLost} is called if the session holding the
	 * lease in a shared repository ends while the lock is held (the command must then
	 * stop: another process may take the run over).
	 */
	public DirectoryLock lock(String command, Runnable onLeaseLost) {
		DirectoryLock lock = DirectoryLock.acquire(this, this.root.resolve("pgcopydb.lock"), command);
		if (this.sharedRepository != null) {
			try {
				lock.hold(RepositoryLease.acquire(this.sharedRepository, command, onLeaseLost));
			}
			catch (RuntimeException ex) {
				lock.close();
				throw ex;
			}
		}
		return lock;
	}

	/**
	 * Whether a live process runs a job in this directory now; with a shared repository,
	 * whether a process on any host holds the run's lease.
	 */
	public boolean isLocked() {
		return (this.sharedRepository != null) ? RepositoryLease.isHeld(this.sharedRepository)
				: DirectoryLock.isHeld(this.root.resolve("pgcopydb.lock"));
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

	/**
	 * Writes a file of the run (a restore list), for the owner only; a failure names the
	 * file and --dir.
	 */
	public Path write(Path file, String content) {
		try {
			if (createIfMissing(file)) {
				ownerOnly(file, "rw-------");
			}
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

	/**
	 * The dumpIds of the pre-data entries the run restored: what it created on the
	 * target.
	 */
	public Path preDataRecord() {
		return schemaDir().resolve("pre-data.attempted");
	}

	/** The same for post-data. */
	public Path postDataRecord() {
		return schemaDir().resolve("post-data.attempted");
	}

	/** The change files of a follow ({@code stream receive}, {@code stream apply}). */
	public Path cdcDir() {
		return this.root.resolve("cdc");
	}

	/**
	 * The name of the log of which apply session has each transaction, in the cdc dir.
	 */
	public static final String SESSION_LOG = "apply-sessions.log";

	/**
	 * Forgets which apply session had each transaction (with {@code --apply-jobs}): once
	 * the follow's origins are gone, or new ones are made, the log means nothing.
	 */
	public void removeSessionLog() {
		try {
			java.nio.file.Files.deleteIfExists(cdcDir().resolve(SESSION_LOG));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(
					"cannot remove " + cdcDir().resolve(SESSION_LOG) + ": " + ex.getMessage(), ex);
		}
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
