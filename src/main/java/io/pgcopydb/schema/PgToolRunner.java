package io.pgcopydb.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.pgcopydb.config.ChildProcesses;
import io.pgcopydb.config.ProcessRecords;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.PgToolException;
import io.pgcopydb.error.StoppedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pg_dump and pg_restore as child processes, never through a shell.
 * <p>
 * The child environment is this process's environment plus the extra entries given: that
 * is where {@code PGPASSWORD} travels, never in argv, which other users can read in
 * {@code ps} output. Callers pass password-free argv; the command line is still redacted
 * before it is logged at DEBUG, and the environment is never logged. Each run appends to
 * its log file a header ({@code == what ==} and the command line), the child's stderr
 * and, for {@link #run}, its stdout.
 * <p>
 * A non-zero exit is a {@link PgToolException} naming the most telling stderr line and
 * the log file. An interrupted caller (a stop request) terminates the child, SIGTERM
 * first and SIGKILL after five seconds, and gets a {@link StoppedException} with the
 * thread's interrupt flag set again.
 * <p>
 * A child never outlives this process by much: it is started through
 * {@link ParentDeathSignal} (the kernel kills it when its forking thread ends), from a
 * thread of its own that waits for it (so that thread ends only after the child); a
 * shutdown hook sends it SIGTERM when the JVM exits normally; and while it runs, its pid
 * and start time are recorded in --dir ({@link ProcessRecords}), where the next command
 * finds it if all else failed.
 */
public final class PgToolRunner {

	private static final Logger logger = LoggerFactory.getLogger(PgToolRunner.class);

	private static final long TERMINATE_GRACE_SECONDS = 5;

	/**
	 * How long the stream readers may outlive the child (a grandchild holding the pipe).
	 */
	private static final long DRAIN_SECONDS = 10;

	private static final int MAX_DETAIL_LENGTH = 500;

	private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@\\s]*:)[^@\\s]*@");

	private static final Pattern KEYWORD_PASSWORD = Pattern.compile("(password\\s*=\\s*)('[^']*'|[^\\s']+)",
			Pattern.CASE_INSENSITIVE);

	/** Where running children are recorded, or null to record them nowhere. */
	private final ProcessRecords records;

	/** A runner that records its children nowhere (tests, probes). */
	public PgToolRunner() {
		this(null);
	}

	/**
	 * A runner that records each running child in {@code records}.
	 * @param records the --dir's records, or null
	 */
	public PgToolRunner(ProcessRecords records) {
		this.records = records;
	}

	/**
	 * Runs argv and waits for it to finish.
	 * @param what what this run does, for the log and messages, e.g. "pg_dump pre-data"
	 * @param argv the program path then its arguments, without any password
	 * @param extraEnv environment entries added for the child, e.g. PGPASSWORD
	 * @param logFile the file stdout and stderr are appended to
	 * @throws PgToolException when the program exits with a non-zero code
	 * @throws BadConfigException when the program cannot be started
	 * @throws StoppedException when the calling thread is interrupted
	 */
	public void run(String what, List<String> argv, Map<String, String> extraEnv, Path logFile) {
		execute(what, argv, extraEnv, logFile, false);
	}

	/**
	 * Like {@link #run}, but returns stdout instead of logging it (for
	 * {@code pg_restore --list}); stderr still goes to the log file.
	 * @param what what this run does, for the log and messages
	 * @param argv the program path then its arguments, without any password
	 * @param extraEnv environment entries added for the child
	 * @param logFile the file stderr is appended to
	 * @return everything the program printed on stdout, decoded as UTF-8
	 */
	public String output(String what, List<String> argv, Map<String, String> extraEnv, Path logFile) {
		return execute(what, argv, extraEnv, logFile, true);
	}

	private String execute(String what, List<String> argv, Map<String, String> extraEnv, Path logFile,
			boolean captureStdout) {
		List<String> command = List.copyOf(argv);
		String commandLine = redact(commandLine(command));
		logger.debug("Running {}: {}", what, commandLine);
		appendToLog(logFile, what, "== " + what + " ==\n" + commandLine + "\n");
		ProcessBuilder builder = ChildProcesses.withoutOwnSettings(new ProcessBuilder(ParentDeathSignal.wrap(command)));
		builder.environment().putAll(extraEnv);
		builder.redirectOutput(
				captureStdout ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.appendTo(logFile.toFile()));
		Process process;
		try {
			if (command.get(0).contains("/") && !Files.isExecutable(Path.of(command.get(0)))) {
				// through setpriv, a missing program would only show as exit code 127
				throw new IOException("no executable file " + command.get(0));
			}
			process = start(what, builder);
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			throw new BadConfigException(what + " could not start " + command.get(0) + ": " + ex.getMessage()
					+ ": install the PostgreSQL client tools or fix --pg-bin");
		}
		CompletableFuture<String> stderr = inBackground(what + " stderr",
				() -> drainStderr(process.getErrorStream(), logFile));
		CompletableFuture<String> stdout = captureStdout
				? inBackground(what + " stdout", () -> readAll(process.getInputStream()))
				: CompletableFuture.completedFuture("");
		int exitCode = waitFor(what, process);
		String detail = finish(what, stderr);
		String output = finish(what, stdout);
		appendToLog(logFile, what, "== " + what + ": exit code " + exitCode + " ==\n");
		if (exitCode != 0) {
			throw new PgToolException(what + " failed with exit code " + exitCode
					+ (detail.isEmpty() ? "" : ": " + detail) + remedy(detail) + "; see " + logFile);
		}
		return output;
	}

	/** What to do about a failure whose cause the tool's message names well enough. */
	static String remedy(String detail) {
		if (detail.contains("out of shared memory") || detail.contains("max_locks_per_transaction")) {
			// pg_dump takes a lock per table (and per partition) in one transaction
			return " (pg_dump locks every table it dumps in one transaction: raise max_locks_per_transaction on"
					+ " that server, which takes a restart, then run again with --resume)";
		}
		return "";
	}

	/**
	 * Starts the child from a new thread that then waits for it: the parent-death signal
	 * follows the forking thread, so that thread must outlive the child.
	 */
	private Process start(String what, ProcessBuilder builder) throws IOException {
		CompletableFuture<Process> started = new CompletableFuture<>();
		Thread owner = new Thread(() -> own(what, builder, started), "pgcopydb " + what);
		owner.setDaemon(true);
		owner.start();
		try {
			return started.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : ex;
		}
	}

	/**
	 * The body of a child's own thread: start it, record it, wait for its end, then
	 * remove the record and the shutdown hook.
	 */
	private void own(String what, ProcessBuilder builder, CompletableFuture<Process> started) {
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException | RuntimeException ex) {
			started.completeExceptionally(ex);
			return;
		}
		Thread hook = new Thread(() -> terminate(process), "pgcopydb stop " + what);
		AutoCloseable record;
		try {
			Runtime.getRuntime().addShutdownHook(hook);
			record = (this.records != null) ? this.records.recordChild(process.pid(), what) : () -> {
			};
		}
		catch (RuntimeException ex) {
			process.destroyForcibly();
			started.completeExceptionally(new BadConfigException(
					what + " could not be recorded in --dir: " + ex.getMessage() + ": check that --dir is writable",
					ex));
			return;
		}
		started.complete(process);
		waitUninterruptibly(process);
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook runs on an ended child, harmlessly
		}
		try {
			record.close();
		}
		catch (Exception ex) {
			logger.debug("removing the record of {} (pid {}) failed", what, process.pid(), ex);
		}
	}

	private static void waitUninterruptibly(Process process) {
		boolean interrupted = false;
		while (true) {
			try {
				process.waitFor();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private static int waitFor(String what, Process process) {
		try {
			return process.waitFor();
		}
		catch (InterruptedException ex) {
			terminate(process);
			Thread.currentThread().interrupt();
			throw new StoppedException(
					what + " stopped on request (its process " + process.pid() + " was terminated); safe to resume");
		}
	}

	/**
	 * SIGTERM lets pg_dump stop its parallel workers; SIGKILL if it does not exit in
	 * time.
	 */
	private static void terminate(Process process) {
		process.destroy();
		try {
			if (!process.waitFor(TERMINATE_GRACE_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				process.waitFor(TERMINATE_GRACE_SECONDS, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException again) {
			process.destroyForcibly();
		}
	}

	/**
	 * Copies stderr to the log file line by line and returns the line that best says what
	 * went wrong: the first server error (ERROR/FATAL/PANIC, what pg_restore hit first; a
	 * parallel restore then only adds "a worker process died unexpectedly"), else the
	 * last line of the tool's own errors, else the last non-empty line.
	 */
	private static String drainStderr(InputStream stderr, Path logFile) {
		String lastLine = "";
		String lastError = "";
		String firstServerError = "";
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8));
				OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.CREATE,
						StandardOpenOption.APPEND)) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
				log.flush();
				if (!line.isBlank()) {
					lastLine = line.strip();
				}
				if (isError(line)) {
					lastError = line.strip();
				}
				if (firstServerError.isEmpty() && isServerError(line)) {
					firstServerError = line.strip();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String detail = !firstServerError.isEmpty() ? firstServerError : lastError.isEmpty() ? lastLine : lastError;
		return (detail.length() > MAX_DETAIL_LENGTH) ? detail.substring(0, MAX_DETAIL_LENGTH) + "…" : detail;
	}

	/**
	 * pg_dump and pg_restore print "error:"; server messages they relay say ERROR or
	 * FATAL.
	 */
	static boolean isError(String line) {
		return line.contains("error:") || line.contains("ERROR:") || line.contains("FATAL:") || line.contains("PANIC:");
	}

	static boolean isServerError(String line) {
		return line.contains("ERROR:") || line.contains("FATAL:") || line.contains("PANIC:");
	}

	private static String readAll(InputStream stdout) {
		try (stdout) {
			return new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static CompletableFuture<String> inBackground(String name, Supplier<String> task) {
		return CompletableFuture.supplyAsync(task, (runnable) -> {
			Thread thread = new Thread(runnable, "pgcopydb " + name);
			thread.setDaemon(true);
			thread.start();
		});
	}

	private static String finish(String what, CompletableFuture<String> stream) {
		try {
			return stream.get(DRAIN_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoppedException(what + " stopped on request while reading its output; safe to resume");
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			throw new PgToolException(what + " output could not be read: " + cause, cause);
		}
	}

	private static void appendToLog(Path logFile, String what, String text) {
		try {
			Path dir = logFile.toAbsolutePath().getParent();
			if (dir != null) {
				Files.createDirectories(dir);
			}
			Files.writeString(logFile, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new BadConfigException("cannot write the log file " + logFile + " of " + what + ": " + ex
					+ ": check that --dir is writable", ex);
		}
	}

	/** The command line as a POSIX shell would need it, for reading and pasting. */
	static String commandLine(List<String> argv) {
		return argv.stream().map(PgToolRunner::shellQuote).collect(Collectors.joining(" "));
	}

	private static String shellQuote(String arg) {
		boolean plain = !arg.isEmpty()
				&& arg.chars().allMatch((c) -> Character.isLetterOrDigit(c) || "-_./=:@%+,".indexOf(c) >= 0);
		if (plain) {
			return arg;
		}
		return "'" + arg.replace("'", "'\\''") + "'";
	}

	/**
	 * Belt and braces: argv is password-free by contract, but a log must never leak one.
	 */
	static String redact(String text) {
		String redacted = URI_PASSWORD.matcher(text).replaceAll("$1****@");
		return KEYWORD_PASSWORD.matcher(redacted).replaceAll("$1****");
	}

}
