package io.pgcopydb.schema;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.pgcopydb.config.ChildProcesses;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.StoppedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the pg_dump and pg_restore a run uses and checks that they can dump the source.
 * <p>
 * pg_dump refuses a server of a newer major version ("aborting because of server version
 * mismatch"), so both programs must be at least the source server's major version. When
 * {@code --pg-bin} or else {@code PGCOPYDB_PG_BIN} names a directory, only that directory
 * is used: the user chose it, and quietly taking another installation would hide their
 * mistake. Otherwise the search visits, in order, {@code pg_config --bindir} (pg_config
 * taken from PATH), each PATH directory, then the usual installation directories, and
 * picks the newest major version that is new enough; on a tie the directory visited first
 * wins. pg_dump and pg_restore always come from the same directory.
 * <p>
 * Every failure is a {@link BadConfigException} (exit code 2) whose one-line message
 * names what was searched and the remedy.
 */
public final class PgToolLocator {

	static final String PG_DUMP = "pg_dump";

	static final String PG_RESTORE = "pg_restore";

	static final String ENV_PG_BIN = "PGCOPYDB_PG_BIN";

	/** Where packages install client tools; each pattern may hold one '*'. */
	static final List<String> INSTALL_DIRECTORIES = List.of("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin",
			"/opt/homebrew/opt/postgresql@*/bin", "/usr/local/opt/postgresql@*/bin");

	private static final Logger logger = LoggerFactory.getLogger(PgToolLocator.class);

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

	private final Path pgBinOption;

	private final Map<String, String> env;

	private final List<String> installDirectories;

	/**
	 * @param pgBinOption the {@code --pg-bin} directory, or {@code null} when not given
	 * @param env the environment to read {@code PGCOPYDB_PG_BIN} and {@code PATH} from
	 */
	public PgToolLocator(Path pgBinOption, Map<String, String> env) {
		this(pgBinOption, env, INSTALL_DIRECTORIES);
	}

	PgToolLocator(Path pgBinOption, Map<String, String> env, List<String> installDirectories) {
		this.pgBinOption = pgBinOption;
		this.env = Map.copyOf(env);
		this.installDirectories = List.copyOf(installDirectories);
	}

	/**
	 * The newest pg_dump and pg_restore pair, from one directory, whose major version is
	 * at least the source server's.
	 * @param sourceServerMajor the source server's major version, for example 15
	 * @return the pair to use
	 * @throws BadConfigException when no such pair exists where we looked
	 */
	public PgTools locate(int sourceServerMajor) {
		if (this.pgBinOption != null) {
			Origin origin = new Origin("--pg-bin " + this.pgBinOption, "and pass their bin directory to --pg-bin",
					"and pass --pg-bin <its bin directory>");
			return locateIn(this.pgBinOption, origin, sourceServerMajor);
		}
		String envBin = this.env.get(ENV_PG_BIN);
		if (envBin != null && !envBin.isBlank()) {
			Origin origin = new Origin(ENV_PG_BIN + " " + envBin, "and set " + ENV_PG_BIN + " to their bin directory",
					"and set " + ENV_PG_BIN + " to its bin directory");
			Path dir;
			try {
				dir = Path.of(envBin);
			}
			catch (InvalidPathException ex) {
				throw new BadConfigException(ENV_PG_BIN + " " + envBin + " is not a valid path (" + ex.getReason()
						+ "): set it to the bin directory of the PostgreSQL client tools");
			}
			return locateIn(dir, origin, sourceServerMajor);
		}
		return search(sourceServerMajor);
	}

	private PgTools locateIn(Path dir, Origin origin, int sourceMajor) {
		for (String name : List.of(PG_DUMP, PG_RESTORE)) {
			if (!isExecutable(dir.resolve(name))) {
				throw notFound(name, origin, sourceMajor);
			}
		}
		PgTools tools;
		try {
			tools = new PgTools(probe(dir.resolve(PG_DUMP)), probe(dir.resolve(PG_RESTORE)));
		}
		catch (ProbeFailure ex) {
			throw new BadConfigException(ex.getMessage() + ": " + origin.searched()
					+ " must hold working PostgreSQL client tools; install them " + origin.notFoundRemedy());
		}
		for (PgTool tool : List.of(tools.pgDump(), tools.pgRestore())) {
			if (tool.major() < sourceMajor) {
				throw tooOld(tool, origin, sourceMajor);
			}
		}
		return chosen(tools, sourceMajor);
	}

	private PgTools search(int sourceMajor) {
		List<String> places = new ArrayList<>(List.of("pg_config --bindir", "PATH"));
		places.addAll(this.installDirectories);
		String searched = joinWithOr(places);
		Origin origin = new Origin(searched, "or pass --pg-bin", "and pass --pg-bin <its bin directory>");
		List<PgTools> pairs = new ArrayList<>();
		boolean sawDump = false;
		boolean sawRestore = false;
		for (Path dir : candidateDirectories()) {
			boolean hasDump = isExecutable(dir.resolve(PG_DUMP));
			boolean hasRestore = isExecutable(dir.resolve(PG_RESTORE));
			sawDump |= hasDump;
			sawRestore |= hasRestore;
			if (hasDump && hasRestore) {
				try {
					pairs.add(new PgTools(probe(dir.resolve(PG_DUMP)), probe(dir.resolve(PG_RESTORE))));
				}
				catch (ProbeFailure ex) {
					logger.debug("Skipping {}: {}", dir, ex.getMessage());
				}
			}
		}
		if (pairs.isEmpty()) {
			String missing = !sawDump ? PG_DUMP
					: !sawRestore ? PG_RESTORE : "pg_dump and pg_restore (side by side, answering --version)";
			throw notFound(missing, origin, sourceMajor);
		}
		PgTools best = null;
		PgTools newest = pairs.get(0);
		for (PgTools pair : pairs) {
			if (major(pair) > major(newest)) {
				newest = pair;
			}
			if (major(pair) >= sourceMajor && (best == null || major(pair) > major(best))) {
				best = pair;
			}
		}
		if (best == null) {
			PgTool old = (newest.pgDump().major() < sourceMajor) ? newest.pgDump() : newest.pgRestore();
			throw tooOld(old, origin, sourceMajor);
		}
		return chosen(best, sourceMajor);
	}

	private static PgTools chosen(PgTools tools, int sourceMajor) {
		if (sourceMajor > 0) {
			logger.info("Using {} and {} (source server is PostgreSQL {})", tools.pgDump(), tools.pgRestore(),
					sourceMajor);
		}
		else {
			// a command reading archives only (restore parse-list): the newest tools
			logger.info("Using {} and {}", tools.pgDump(), tools.pgRestore());
		}
		return tools;
	}

	private static int major(PgTools pair) {
		return Math.min(pair.pgDump().major(), pair.pgRestore().major());
	}

	/**
	 * pg_config's bin directory, then PATH, then the installation directories, once each.
	 */
	private List<Path> candidateDirectories() {
		Map<Path, Path> dirs = new LinkedHashMap<>();
		List<Path> path = pathDirectories();
		pgConfigBinDir(path).ifPresent((dir) -> dirs.putIfAbsent(identity(dir), dir));
		path.forEach((dir) -> dirs.putIfAbsent(identity(dir), dir));
		for (String pattern : this.installDirectories) {
			expand(pattern).forEach((dir) -> dirs.putIfAbsent(identity(dir), dir));
		}
		logger.debug("Looking for pg_dump and pg_restore in {}", dirs.values());
		return List.copyOf(dirs.values());
	}

	private List<Path> pathDirectories() {
		List<Path> dirs = new ArrayList<>();
		String path = this.env.getOrDefault("PATH", "");
		for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
			if (!entry.isBlank()) {
				try {
					dirs.add(Path.of(entry));
				}
				catch (InvalidPathException ex) {
					logger.debug("Ignoring PATH entry {}: {}", entry, ex.getMessage());
				}
			}
		}
		return dirs;
	}

	/** What the first pg_config on PATH says with --bindir, as a shell would run it. */
	private Optional<Path> pgConfigBinDir(List<Path> path) {
		for (Path dir : path) {
			Path pgConfig = dir.resolve("pg_config");
			if (isExecutable(pgConfig)) {
				try {
					String binDir = query(pgConfig, "--bindir").strip();
					return binDir.isEmpty() ? Optional.empty() : Optional.of(Path.of(binDir));
				}
				catch (ProbeFailure | InvalidPathException ex) {
					logger.debug("Ignoring {}: {}", pgConfig, ex.getMessage());
					return Optional.empty();
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * The directories one pattern such as /usr/lib/postgresql/*&#47;bin matches, sorted.
	 */
	static List<Path> expand(String pattern) {
		int star = pattern.indexOf('*');
		if (star < 0) {
			return List.of(Path.of(pattern));
		}
		int segmentStart = pattern.lastIndexOf('/', star) + 1;
		int segmentEnd = pattern.indexOf('/', star);
		Path parent = Path.of((segmentStart > 1) ? pattern.substring(0, segmentStart - 1) : "/");
		String glob = pattern.substring(segmentStart, (segmentEnd < 0) ? pattern.length() : segmentEnd);
		String rest = (segmentEnd < 0) ? "" : pattern.substring(segmentEnd + 1);
		if (!Files.isDirectory(parent)) {
			return List.of();
		}
		List<Path> matches = new ArrayList<>();
		try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, glob)) {
			children.forEach((child) -> matches.add(rest.isEmpty() ? child : child.resolve(rest)));
		}
		catch (IOException ex) {
			logger.debug("Cannot list {}: {}", parent, ex.getMessage());
		}
		matches.sort(null);
		return matches;
	}

	private static Path identity(Path dir) {
		try {
			return dir.toRealPath();
		}
		catch (IOException ex) {
			return dir.toAbsolutePath().normalize();
		}
	}

	private static boolean isExecutable(Path file) {
		return Files.isRegularFile(file) && Files.isExecutable(file);
	}

	private static PgTool probe(Path program) throws ProbeFailure {
		String name = program.getFileName().toString();
		String output = query(program, "--version");
		String firstLine = output.strip().lines().findFirst().orElse("");
		Optional<PgTool> tool = PgTool.fromVersionLine(name, program, firstLine);
		if (tool.isEmpty()) {
			throw new ProbeFailure(program + " --version printed no version number: \"" + firstLine + "\"");
		}
		logger.debug("Found {}", tool.get());
		return tool.get();
	}

	/**
	 * Runs {@code program argument} and returns what it printed; its own output is tiny.
	 */
	private static String query(Path program, String argument) throws ProbeFailure {
		Process process;
		try {
			process = ChildProcesses.withoutOwnSettings(new ProcessBuilder(program.toString(), argument))
				.redirectErrorStream(true)
				.start();
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			throw new ProbeFailure("cannot run " + program + " " + argument + ": " + ex.getMessage());
		}
		try {
			if (!process.waitFor(PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new ProbeFailure(
						program + " " + argument + " did not answer within " + PROBE_TIMEOUT.toSeconds() + " s");
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new StoppedException("looking for pg_dump and pg_restore stopped on request");
		}
		String output;
		try (InputStream stdout = process.getInputStream()) {
			output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new ProbeFailure("cannot read the output of " + program + " " + argument + ": " + ex.getMessage());
		}
		if (process.exitValue() != 0) {
			String firstLine = output.strip().lines().findFirst().orElse("");
			throw new ProbeFailure(
					program + " " + argument + " failed with exit code " + process.exitValue() + ": " + firstLine);
		}
		return output;
	}

	private static BadConfigException notFound(String what, Origin origin, int sourceMajor) {
		return new BadConfigException(what + " not found in " + origin.searched()
				+ ": install the PostgreSQL client tools (postgresql-client-" + sourceMajor + ") "
				+ origin.notFoundRemedy());
	}

	private static BadConfigException tooOld(PgTool tool, Origin origin, int sourceMajor) {
		return new BadConfigException(tool + " is older than the source server (PostgreSQL " + sourceMajor + "): "
				+ tool.name() + " must be " + sourceMajor + " or newer; install it (postgresql-client-" + sourceMajor
				+ ") " + origin.tooOldRemedy());
	}

	private static String joinWithOr(List<String> items) {
		return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
	}

	/** Where we looked, and what the user should do when that place did not do. */
	private record Origin(String searched, String notFoundRemedy, String tooOldRemedy) {

	}

	/** A candidate program that did not answer its version; the search moves on. */
	private static final class ProbeFailure extends Exception {

		ProbeFailure(String message) {
			super(message, null, false, false);
		}

	}

}
