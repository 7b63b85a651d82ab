package io.pgcopydb.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What libpq takes from the machine rather than from the connection string or the
 * environment: the home directory (for {@code ~/.pgpass}, {@code ~/.pg_service.conf} and
 * {@code ~/.postgresql/}), its compiled-in default socket directory and its compiled-in
 * system configuration directory. Tests give their own; {@link #system()} is the real
 * machine.
 * <p>
 * <b>Default socket directory.</b> libpq connects to the Unix-domain socket in
 * {@code DEFAULT_PGSOCKET_DIR} when no host is given anywhere. That directory is compiled
 * into libpq and no tool prints it ({@code pg_config} does not): upstream builds use
 * {@code /tmp}, Debian and Ubuntu patch it to {@code /var/run/postgresql}, and the PGDG
 * RPMs serve both {@code /run/postgresql} and {@code /tmp}. So the first of
 * {@link #SOCKET_DIRECTORIES} holding the server's socket file {@code .s.PGSQL.<port>}
 * wins; when none does, the first of them that exists as a directory (the packaged
 * server's, which is where a server would be) is used and the connection fails naming the
 * socket file, as libpq fails: it never falls back to TCP.
 * <p>
 * <b>System service file.</b> libpq reads {@code pg_service.conf} from
 * {@code PGSYSCONFDIR} or its compiled-in sysconfdir, which
 * {@code pg_config --sysconfdir} prints. Without PGSYSCONFDIR we look in that directory
 * ({@code pg_config} from the PATH, run once and only when a service is not in the user's
 * file), then in the usual package directories {@link #SYSCONF_DIRECTORIES}. This package
 * must not use the schema stage's tool locator (config is a foundation), and the first
 * pg_config on the PATH is the one whose libpq a user's psql would use.
 *
 * @param homeDir the user's home directory
 * @param socketDirectories the candidate default socket directories, in order
 * @param sysconfDirectories the candidate system configuration directories, in order,
 * asked for only when needed
 */
record LibpqDefaults(Path homeDir, List<Path> socketDirectories, Supplier<List<Path>> sysconfDirectories) {

	/** Debian/Ubuntu's libpq default, the RPM one, then upstream's. */
	static final List<Path> SOCKET_DIRECTORIES = List.of(Path.of("/var/run/postgresql"), Path.of("/run/postgresql"),
			Path.of("/tmp"));

	/** Debian's sysconfdir, the PGDG RPMs', then an upstream build's default prefix. */
	static final List<Path> SYSCONF_DIRECTORIES = List.of(Path.of("/etc/postgresql-common"),
			Path.of("/etc/sysconfig/pgsql"), Path.of("/usr/local/pgsql/etc"));

	private static final Logger logger = LoggerFactory.getLogger(LibpqDefaults.class);

	LibpqDefaults {
		socketDirectories = List.copyOf(socketDirectories);
	}

	static LibpqDefaults system() {
		return new LibpqDefaults(Path.of(System.getProperty("user.home")), SOCKET_DIRECTORIES,
				LibpqDefaults::systemSysconfDirectories);
	}

	/** The socket file libpq uses in {@code directory} for {@code port}. */
	static Path socketFile(String directory, int port) {
		return Path.of(directory).resolve(".s.PGSQL." + port);
	}

	/**
	 * The directory of the default Unix-domain socket for {@code port}: the first
	 * candidate holding the socket file, else the first existing candidate, else the
	 * first candidate.
	 */
	String socketDirectory(int port) {
		for (Path directory : this.socketDirectories) {
			if (Files.exists(directory.resolve(".s.PGSQL." + port))) {
				return directory.toString();
			}
		}
		return this.socketDirectories.stream()
			.filter(Files::isDirectory)
			.findFirst()
			.orElse(this.socketDirectories.get(0))
			.toString();
	}

	private static List<Path> systemSysconfDirectories() {
		List<Path> directories = new ArrayList<>();
		pgConfigSysconfDirectory().ifPresent(directories::add);
		SYSCONF_DIRECTORIES.stream().filter((dir) -> !directories.contains(dir)).forEach(directories::add);
		return directories;
	}

	private static Optional<Path> pgConfigSysconfDirectory() {
		try {
			Process process = ChildProcesses.withoutOwnSettings(new ProcessBuilder("pg_config", "--sysconfdir"))
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0 || output.isEmpty()) {
				process.destroyForcibly();
				return Optional.empty();
			}
			return Optional.of(Path.of(output));
		}
		catch (IOException | InvalidPathException ex) {
			logger.debug("No pg_config --sysconfdir: {}", ex.toString());
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

}
