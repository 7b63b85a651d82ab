package io.pgcopydb.schema;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One PostgreSQL client program found on this machine, with the version its
 * {@code --version} printed.
 *
 * @param name the program name, {@code pg_dump} or {@code pg_restore}
 * @param path the executable
 * @param major the major version: 15 for "15.18", 17 for "17devel", 9 for "9.6.24"
 * @param version the version as printed, for example {@code 15.18} or {@code 17devel}
 */
public record PgTool(String name, Path path, int major, String version) {

	/** The first word starting with a digit: "15.18", "17devel", "16beta2", "9.6.24". */
	private static final Pattern VERSION = Pattern.compile("(?<=\\s)(\\d{1,6})(?:\\.\\d+)*[A-Za-z0-9]*");

	/**
	 * Reads what {@code --version} printed first, such as "pg_dump (PostgreSQL) 15.18
	 * (Debian 15.18-0+deb12u1)" or "pg_dump (PostgreSQL) 17devel".
	 * @param name the program name
	 * @param path the executable
	 * @param versionLine the first line the program printed
	 * @return the tool, or empty when the line holds no version number
	 */
	static Optional<PgTool> fromVersionLine(String name, Path path, String versionLine) {
		Matcher matcher = VERSION.matcher(versionLine);
		if (!matcher.find()) {
			return Optional.empty();
		}
		return Optional.of(new PgTool(name, path, Integer.parseInt(matcher.group(1)), matcher.group()));
	}

	@Override
	public String toString() {
		return this.name + " " + this.version + " at " + this.path;
	}

}
