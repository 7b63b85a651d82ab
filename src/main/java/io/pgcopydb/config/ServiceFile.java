package io.pgcopydb.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * libpq's connection service files (see <a href=
 * "https://www.postgresql.org/docs/current/libpq-pgservice.html">libpq-pgservice</a>): a
 * {@code service=name} keyword (or {@code PGSERVICE}) names an INI section whose
 * {@code keyword=value} lines fill the keywords the connection string leaves out; they
 * win over the PG* environment variables.
 * <p>
 * The per-user file ({@code PGSERVICEFILE}, else {@code ~/.pg_service.conf}) is searched
 * first; only when the service is not there is the system file {@code pg_service.conf}
 * searched, in {@code PGSYSCONFDIR} or else the directories of
 * {@link LibpqDefaults#sysconfDirectories()}. A missing file is skipped, as libpq skips
 * it. Lines are trimmed, blank lines and {@code #} comments ignored; a value runs to the
 * end of its line, unquoted. Errors are one line naming the option, the service, the file
 * and line, and never quote a value (it may be a password).
 */
final class ServiceFile {

	private final String optionName;

	private final Map<String, String> env;

	private final LibpqDefaults defaults;

	ServiceFile(String optionName, Map<String, String> env, LibpqDefaults defaults) {
		this.optionName = optionName;
		this.env = env;
		this.defaults = defaults;
	}

	/**
	 * The keyword values of {@code service}, from the first file that defines it.
	 * @throws io.pgcopydb.error.BadArgumentsException when no file defines it, or the
	 * definition is malformed
	 */
	Definition lookup(String service) {
		List<Path> searched = new ArrayList<>();
		for (Path file : candidates()) {
			searched.add(file);
			Optional<Map<String, String>> values = read(file, service);
			if (values.isPresent()) {
				return new Definition(service, file, values.get());
			}
		}
		throw ConnectionString.invalid(this.optionName,
				"service \"" + service + "\" is defined in none of " + searched.stream().map(Path::toString).toList()
						+ "; add a [" + service
						+ "] section to one of them or set PGSERVICEFILE to the file that has it",
				"service=mydb");
	}

	private List<Path> candidates() {
		List<Path> files = new ArrayList<>();
		String userFile = this.env.get("PGSERVICEFILE");
		files.add((userFile != null && !userFile.isEmpty()) ? Path.of(userFile)
				: this.defaults.homeDir().resolve(".pg_service.conf"));
		String sysconfDir = this.env.get("PGSYSCONFDIR");
		if (sysconfDir != null && !sysconfDir.isEmpty()) {
			files.add(Path.of(sysconfDir, "pg_service.conf"));
		}
		else {
			this.defaults.sysconfDirectories().get().forEach((dir) -> files.add(dir.resolve("pg_service.conf")));
		}
		return files;
	}

	private Optional<Map<String, String>> read(Path file, String service) {
		List<String> lines;
		try {
			if (!Files.isRegularFile(file)) {
				return Optional.empty();
			}
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw ConnectionString.invalid(this.optionName,
					"cannot read the service file " + file + " (" + ex.getMessage() + "); fix its permissions",
					"service=mydb");
		}
		Map<String, String> values = null;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).strip();
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			if (line.startsWith("[")) {
				if (values != null) {
					break;
				}
				if (line.equals("[" + service + "]")) {
					values = new LinkedHashMap<>();
				}
				continue;
			}
			if (values != null) {
				put(values, line, file, i + 1, service);
			}
		}
		return Optional.ofNullable(values);
	}

	private void put(Map<String, String> values, String line, Path file, int lineNumber, String service) {
		String where = "service \"" + service + "\" in " + file + " line " + lineNumber;
		int equals = line.indexOf('=');
		if (equals < 0) {
			throw ConnectionString.invalid(this.optionName, where + " is not a keyword=value line; fix the file",
					"host=db.example.com");
		}
		String keyword = line.substring(0, equals).strip();
		if (keyword.equals("service")) {
			throw ConnectionString.invalid(this.optionName,
					where + " names another service, which libpq does not allow either; copy its settings instead",
					"host=db.example.com");
		}
		if (!ConnectionString.KEYWORDS.contains(keyword)) {
			throw ConnectionString.invalid(this.optionName,
					where + " has an invalid connection option"
							+ (keyword.matches("[A-Za-z0-9_]{1,40}") ? " \"" + keyword + "\"" : "")
							+ "; valid options are " + String.join(", ", ConnectionString.KEYWORDS),
					"host=db.example.com");
		}
		values.putIfAbsent(keyword, line.substring(equals + 1).strip());
	}

	/**
	 * One service's settings.
	 *
	 * @param service its name
	 * @param file the file that defines it
	 * @param values its keyword values (for a keyword repeated in the section, the first)
	 */
	record Definition(String service, Path file, Map<String, String> values) {

		Definition {
			values = Map.copyOf(values);
		}

		/** How messages name where a value came from. */
		String origin() {
			return "service \"" + this.service + "\" in " + this.file;
		}

		@Override
		public String toString() {
			return "Definition[" + origin() + ", keywords=" + this.values.keySet() + "]";
		}

	}

}
