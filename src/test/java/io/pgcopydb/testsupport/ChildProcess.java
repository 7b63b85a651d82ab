package io.pgcopydb.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one PostgreSQL client or server program and collects its output.
 * <p>
 * Both streams go to temporary files rather than pipes, so a chatty child can never block
 * on a full pipe while we wait for it. Inherited {@code PG*} variables are removed (a
 * developer's {@code PGDATABASE} or {@code PGSERVICE} must not leak into tests); secrets
 * are passed in the environment only, never on the command line.
 */
final class ChildProcess {

	/** What a finished child left behind. */
	record Result(List<String> command, int exitCode, String stdout, String stderr) {

		boolean succeeded() {
			return this.exitCode == 0;
		}

		/** Throws with the command and its stderr unless the child exited 0. */
		Result orThrow() {
			if (!succeeded()) {
				throw new IllegalStateException(String.format("%s exited %d: %s", String.join(" ", this.command),
						this.exitCode, this.stderr.isBlank() ? this.stdout.strip() : this.stderr.strip()));
			}
			return this;
		}

	}

	private ChildProcess() {
	}

	static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
		Path out = null;
		Path err = null;
		try {
			out = Files.createTempFile("pgcopydb-it-", ".out");
			err = Files.createTempFile("pgcopydb-it-", ".err");
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
				.redirectError(err.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
			builder.environment().keySet().removeIf((name) -> name.startsWith("PG"));
			builder.environment().putAll(environment);
			Process process = builder.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(
						String.format("%s did not finish within %s", String.join(" ", command), timeout));
			}
			return new Result(List.copyOf(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
					Files.readString(err, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot run " + String.join(" ", command), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while running " + String.join(" ", command), ex);
		}
		finally {
			deleteQuietly(out);
			deleteQuietly(err);
		}
	}

	private static void deleteQuietly(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// a leftover temp file is harmless; the test result matters more
			}
		}
	}

}
