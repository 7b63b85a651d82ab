package io.pgcopydb.schema;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.config.ChildProcesses;

/**
 * Makes a child tool die with this process. Java cannot call
 * {@code prctl(PR_SET_PDEATHSIG)} in a child it forks, so the child is started through
 * util-linux {@code setpriv --pdeathsig KILL -- argv}, which sets it and then executes
 * the tool in the same process (same pid). Without it, pg_dump or pg_restore kept running
 * after the JVM alone was killed (as the OOM killer does) and raced the resume.
 * <p>
 * The kernel sends the signal when the <em>thread</em> that forked the child ends, not
 * the process: children must be started from a thread that lives as long as they do
 * ({@link PgToolRunner} starts each from its own). A system without setpriv (or with one
 * older than util-linux 2.33) runs the tools as they are, said once at INFO: there the
 * next resume ends what a killed process left running ({@code ProcessRecords}).
 */
final class ParentDeathSignal {

	private static final Logger logger = LoggerFactory.getLogger(ParentDeathSignal.class);

	private ParentDeathSignal() {
	}

	/** argv started through setpriv when this system has a setpriv that can. */
	static List<String> wrap(List<String> argv) {
		return wrap(Probe.SETPRIV, argv);
	}

	/** argv started through {@code setpriv}, when given. */
	static List<String> wrap(Optional<Path> setpriv, List<String> argv) {
		if (setpriv.isEmpty()) {
			return argv;
		}
		List<String> wrapped = new ArrayList<>(List.of(setpriv.get().toString(), "--pdeathsig", "KILL", "--"));
		wrapped.addAll(argv);
		return wrapped;
	}

	/** Checked once, on the first child started. */
	private static final class Probe {

		static final Optional<Path> SETPRIV = find(System.getenv("PATH"));

	}

	/**
	 * The first setpriv on {@code path} that runs a program with {@code --pdeathsig}.
	 */
	static Optional<Path> find(String path) {
		for (String dir : ((path == null) ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
			Path candidate = Path.of(dir.isEmpty() ? "." : dir, "setpriv");
			if (Files.isExecutable(candidate) && works(candidate)) {
				logger.debug("Child tools are started through {} --pdeathsig KILL", candidate);
				return Optional.of(candidate);
			}
		}
		logger.info("setpriv (util-linux 2.33 or later) is not available: pg_dump and pg_restore may outlive"
				+ " this process if it is killed; the next --resume ends them");
		return Optional.empty();
	}

	private static boolean works(Path setpriv) {
		try {
			Process process = ChildProcesses
				.withoutOwnSettings(new ProcessBuilder(setpriv.toString(), "--pdeathsig", "KILL", "--",
						setpriv.toString(), "--version"))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
