package io.pgcopydb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged program the way a user or a scheduler does: {@code java -jar
 * target/pgcopydb.jar ...} in a child process, with its own environment, and records exit
 * code, stdout and stderr. Integration tests run after {@code package}, so the jar is the
 * one being shipped.
 */
record PgCopyDbRun(int exitCode, String stdout, String stderr) {

	static final Path JAR = Path.of("target", "pgcopydb.jar");

	/**
	 * {@code -Dit.repository-url=jdbc:postgresql://...} runs every command of the suite
	 * with its runs kept in that PostgreSQL repository, to try the shared repository
	 * under every test (tests that look at --dir's repository file then fail, as
	 * expected).
	 */
	private static final Map<String, String> SUITE_ENVIRONMENT = (System.getProperty("it.repository-url") != null)
			? Map.of("PGCOPYDB_REPOSITORY_URL", System.getProperty("it.repository-url")) : Map.of();

	/**
	 * Variables every run gets unless its test sets them: what a test class's extension
	 * puts there (the PostgreSQL repository of {@link SharedRepositoryExtension}).
	 */
	private static volatile Map<String, String> classEnvironment = SUITE_ENVIRONMENT;

	/** Sets the class's variables; null: back to the suite's. */
	static void setClassEnvironment(Map<String, String> environment) {
		classEnvironment = (environment != null) ? Map.copyOf(environment) : SUITE_ENVIRONMENT;
	}

	static PgCopyDbRun run(Map<String, String> environment, String... args) {
		return run(environment, List.of(args));
	}

	static PgCopyDbRun run(Map<String, String> environment, List<String> args) {
		return start(environment, args).finish();
	}

	/**
	 * Runs {@code args} with {@code --dir=dir} appended and asserts that it exits 0 (the
	 * message shows its output otherwise).
	 */
	static PgCopyDbRun succeeds(Map<String, String> environment, Path dir, String... args) {
		List<String> all = new java.util.ArrayList<>(List.of(args));
		all.add("--dir=" + dir);
		PgCopyDbRun run = run(environment, all);
		org.assertj.core.api.Assertions.assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run).isZero();
		return run;
	}

	/** Starts the program and returns at once, for tests that signal or kill it. */
	static Running start(Map<String, String> environment, String... args) {
		return start(environment, List.of(args));
	}

	static Running start(Map<String, String> environment, List<String> args) {
		return start(environment, args, false);
	}

	/**
	 * Starts the program as the leader of a process group of its own (through util-linux
	 * {@code setsid}, which execs in place, so the process's pid is the group id): a test
	 * can then kill the whole group, the program and its children together, as a
	 * scheduler that kills a job does.
	 */
	static Running startInOwnGroup(Map<String, String> environment, List<String> args) {
		return start(environment, args, true);
	}

	private static Running start(Map<String, String> environment, List<String> args, boolean ownGroup) {
		if (!Files.isRegularFile(JAR)) {
			throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the ITs through ./mvnw verify");
		}
		List<String> command = new ArrayList<>();
		if (ownGroup) {
			command.add("setsid");
		}
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx512m");
		// the suite starts hundreds of short runs on small databases: the C1 compiler
		// alone halves the CPU of a start (measured on --version: 3.4 CPU-s to 1.8) and
		// the program behaves the same; the launcher keeps the JVM's defaults
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-jar");
		command.add(JAR.toString());
		command.addAll(args);
		try {
			Path out = Files.createTempFile("pgcopydb-stdout", ".txt");
			Path err = Files.createTempFile("pgcopydb-stderr", ".txt");
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
				.redirectError(err.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
			Map<String, String> env = builder.environment();
			// a test decides what the child sees: none of the developer's PG* settings
			env.keySet().removeIf((name) -> name.startsWith("PG"));
			env.putAll(classEnvironment);
			env.putAll(new HashMap<>(environment));
			return new Running(builder.start(), out, err, args);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + command, ex);
		}
	}

	/** A program run in progress. */
	record Running(Process process, Path out, Path err, List<String> args) {

		/**
		 * SIGKILL to the process group led by this run (see {@link #startInOwnGroup}):
		 * the JVM and every child it started die at once.
		 */
		void killGroup() {
			try {
				Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + this.process.pid()).inheritIO().start();
				kill.waitFor(10, TimeUnit.SECONDS);
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot run kill", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
		}

		/** What the program printed on stderr so far. */
		String stderrSoFar() {
			try {
				return Files.readString(this.err);
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot read " + this.err, ex);
			}
		}

		/** Waits for the end (5 minutes at most) and collects the outputs. */
		PgCopyDbRun finish() {
			try {
				if (!this.process.waitFor(5, TimeUnit.MINUTES)) {
					this.process.destroyForcibly();
					throw new IllegalStateException("pgcopydb " + this.args + " did not finish within 5 minutes");
				}
				PgCopyDbRun run = new PgCopyDbRun(this.process.exitValue(), Files.readString(this.out),
						Files.readString(this.err));
				// one line per run in the test's output file: what a user would have seen
				System.out.println("pgcopydb " + shape(this.args) + " -> exit " + run.exitCode() + "; first error: "
						+ run.errorLines().stream().findFirst().orElse("(none)"));
				Files.delete(this.out);
				Files.delete(this.err);
				return run;
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot read the output of pgcopydb " + this.args, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
		}

	}

	/**
	 * The command words and option names of a run, without values (connection strings may
	 * hold passwords).
	 */
	static String shape(List<String> args) {
		List<String> words = new ArrayList<>();
		boolean commandWords = true;
		for (String arg : args) {
			if (arg.startsWith("-")) {
				commandWords = false;
				words.add(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg);
			}
			else if (commandWords) {
				words.add(arg);
			}
		}
		return String.join(" ", words);
	}

	/** The ERROR lines of stderr, which a user reads first. */
	List<String> errorLines() {
		return this.stderr.lines().filter((line) -> line.contains(" ERROR ")).toList();
	}

	@Override
	public String toString() {
		return "exit code " + this.exitCode + "\n--- stdout ---\n" + this.stdout + "--- stderr ---\n" + this.stderr;
	}

}
