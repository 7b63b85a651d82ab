package io.pgcopydb.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.pgcopydb.error.BadConfigException;

/**
 * What the processes of a --dir leave behind for the next one to check: the
 * {@link SessionTag} of every process that ran a job here and did not end cleanly (file
 * {@code processes}), and each child tool while it runs ({@code children/<pid>}, with the
 * child's start time, so that a pid the system reused for another program is never taken
 * for ours). A killed JVM leaves both behind; a resume reads them to end the children and
 * the server backends of earlier processes before it works on the same objects.
 * <p>
 * Only the process holding the directory's lock writes {@code processes}; children files
 * are written and removed by the threads that run the children. Files are the owner's
 * only (0600): they name what runs on the servers.
 */
public final class ProcessRecords {

	private static final String PROCESSES = "processes";

	private static final String CHILDREN = "children";

	private static final int MAX_PROCESSES = 50;

	private final Path root;

	ProcessRecords(Path root) {
		this.root = root;
	}

	/** Records {@code tag} as the tag of this process, which runs {@code command}. */
	public void register(SessionTag tag, String command) {
		List<String> lines = new ArrayList<>(lines());
		lines.removeIf((line) -> line.startsWith(tag.value() + " "));
		long pid = ProcessHandle.current().pid();
		lines.add(tag.value() + " " + pid + " " + startTime(pid).orElse("unknown") + " "
				+ command.replaceAll("\\s+", " "));
		// a step command that uses one server cannot clear the other's: keep it bounded
		write(lines.subList(Math.max(0, lines.size() - MAX_PROCESSES), lines.size()));
	}

	/**
	 * Forgets {@code tags}: this process ended cleanly (its sessions are closed), or
	 * nothing of theirs works any more.
	 */
	public void forget(Collection<SessionTag> tags) {
		List<String> lines = new ArrayList<>(lines());
		if (lines.removeIf((line) -> tags.stream().anyMatch((tag) -> line.startsWith(tag.value() + " ")))) {
			write(lines);
		}
	}

	/**
	 * The tags of the processes recorded here, except {@code current} and those whose
	 * process still runs (same pid, same start time): only one process works in a --dir
	 * at a time, so a live one is another --dir's, copied along with its files, and its
	 * sessions are not ours to end.
	 */
	public List<SessionTag> earlier(SessionTag current) {
		return lines().stream()
			.map((line) -> line.split(" ", 4))
			.filter((fields) -> fields[0].matches("[a-z0-9]{8}") && !fields[0].equals(current.value()))
			.filter((fields) -> !stillRuns(fields))
			.map((fields) -> new SessionTag(fields[0]))
			.toList();
	}

	private static boolean stillRuns(String[] fields) {
		if (fields.length < 3 || !fields[1].matches("\\d+")) {
			return false;
		}
		long pid = Long.parseLong(fields[1]);
		return pid != ProcessHandle.current().pid() && startTime(pid).filter(fields[2]::equals).isPresent();
	}

	/**
	 * Records a running child; closing the returned record removes it (when the child has
	 * ended).
	 * @param pid the child's pid
	 * @param what what it does, e.g. "pg_restore pre.dump"
	 */
	public AutoCloseable recordChild(long pid, String what) {
		Path file = this.root.resolve(CHILDREN).resolve(Long.toString(pid));
		String start = startTime(pid).orElse("unknown");
		try {
			Files.createDirectories(file.getParent());
			ownerOnly(file.getParent(), "rwx------");
			Files.deleteIfExists(file);
			writeOwnerOnly(file, pid + " " + start + " " + SessionTag.current() + " " + what.replaceAll("\\s+", " "));
		}
		catch (IOException ex) {
			throw new BadConfigException(
					"cannot record child process " + pid + " in " + file + ": " + ex + ": check that --dir is writable",
					ex);
		}
		return () -> Files.deleteIfExists(file);
	}

	/** The children recorded, alive or not. */
	public List<Child> children() {
		Path dir = this.root.resolve(CHILDREN);
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		List<Child> children = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
			for (Path file : files) {
				Child.parse(file).ifPresentOrElse(children::add, () -> deleteQuietly(file));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + dir, ex);
		}
		return children;
	}

	/**
	 * The start time of process {@code pid}, as its kernel records it: field 22 of
	 * {@code /proc/<pid>/stat} (clock ticks since boot), else what the JDK says; empty
	 * when no such process runs (or it has ended and waits to be collected).
	 */
	public static Optional<String> startTime(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
			// the command name in parentheses may hold spaces: count fields after it
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// a zombie has ended, only its parent has not collected it yet
			return "Z".equals(fields[0]) ? Optional.empty() : Optional.of(fields[19]);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException | RuntimeException ex) {
			return ProcessHandle.of(pid)
				.flatMap((process) -> process.info().startInstant())
				.map((instant) -> "t" + instant.toEpochMilli());
		}
	}

	private List<String> lines() {
		try {
			return Files.readAllLines(this.root.resolve(PROCESSES), StandardCharsets.UTF_8)
				.stream()
				.filter((line) -> !line.isBlank())
				.toList();
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + this.root.resolve(PROCESSES), ex);
		}
	}

	private void write(List<String> lines) {
		Path file = this.root.resolve(PROCESSES);
		Path next = this.root.resolve(PROCESSES + ".next");
		try {
			Files.deleteIfExists(next);
			writeOwnerOnly(next, String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"));
			Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new BadConfigException("cannot write " + file + ": " + ex + ": check that --dir is writable", ex);
		}
	}

	private static void writeOwnerOnly(Path file, String text) throws IOException {
		try {
			Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		catch (UnsupportedOperationException ex) {
			Files.createFile(file);
		}
		catch (FileAlreadyExistsException ex) {
			ownerOnly(file, "rw-------");
		}
		Files.writeString(file, text, StandardCharsets.UTF_8);
	}

	private static void ownerOnly(Path path, String permissions) throws IOException {
		try {
			Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: its own access control applies
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// an unreadable record is dropped; the next check tries again
		}
	}

	/**
	 * One recorded child process.
	 *
	 * @param pid its pid
	 * @param startTime its start time when it was recorded ({@link #startTime})
	 * @param tag the tag of the process that started it
	 * @param what what it did
	 * @param file its record
	 */
	public record Child(long pid, String startTime, String tag, String what, Path file) {

		static Optional<Child> parse(Path file) {
			try {
				String[] fields = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ", 4);
				return Optional.of(new Child(Long.parseLong(fields[0]), fields[1], fields[2],
						(fields.length > 3) ? fields[3] : "", file));
			}
			catch (IOException | RuntimeException ex) {
				return Optional.empty();
			}
		}

		/** Whether the recorded process still runs: same pid, same start time. */
		public boolean alive() {
			return !"unknown".equals(this.startTime)
					&& ProcessRecords.startTime(this.pid).filter(this.startTime::equals).isPresent();
		}

		/**
		 * Ends the process, SIGTERM first (pg_dump and pg_restore then stop their
		 * workers), SIGKILL after {@code grace}.
		 * @return whether it is gone
		 */
		public boolean terminate(Duration grace) {
			Optional<ProcessHandle> handle = ProcessHandle.of(this.pid);
			if (handle.isEmpty() || !alive()) {
				return true;
			}
			handle.get().destroy();
			if (!awaitExit(handle.get(), grace)) {
				handle.get().destroyForcibly();
				return awaitExit(handle.get(), grace);
			}
			return true;
		}

		private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
			try {
				handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
				return true;
			}
			catch (TimeoutException ex) {
				return !handle.isAlive();
			}
			catch (ExecutionException ex) {
				return !handle.isAlive();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return !handle.isAlive();
			}
		}

		/** Removes the record. */
		public void forget() {
			deleteQuietly(this.file);
		}

	}

}
