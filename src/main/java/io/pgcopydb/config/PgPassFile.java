package io.pgcopydb.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.error.BadConfigException;

/**
 * A libpq password file: {@code ~/.pgpass}, {@code PGPASSFILE} or the {@code passfile}
 * keyword. Each line is {@code hostname:port:database:username:password}; a field that is
 * exactly {@code *} matches anything, a backslash escapes {@code :} or {@code \}, the
 * first matching line wins and lines starting with {@code #} are comments.
 * <p>
 * As libpq does, a missing file is ignored silently, and a file that is not a regular
 * file is ignored with a warning (see
 * <a href="https://www.postgresql.org/docs/current/libpq-pgpass.html">libpq-pgpass</a>).
 * A file that grants any access to group or others is one libpq (so pg_dump and
 * pg_restore) ignores: when it holds the entry for a connection, {@link #passwordFor}
 * refuses it with a {@link BadConfigException} naming the remedy, rather than let PgJDBC
 * connect and the child tools fail later in the run. Immutable; the password text never
 * leaves this class except through {@link #passwordFor}.
 */
final class PgPassFile {

	private static final Logger logger = LoggerFactory.getLogger(PgPassFile.class);

	private static final PgPassFile EMPTY = new PgPassFile(List.of(), null);

	private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
			PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

	private final List<Entry> entries;

	/** The file, when libpq would ignore it for its permissions; else null. */
	private final Path tooOpen;

	private PgPassFile(List<Entry> entries, Path tooOpen) {
		this.entries = List.copyOf(entries);
		this.tooOpen = tooOpen;
	}

	/** Reads the file, or returns an empty one when libpq would not use it. */
	static PgPassFile load(Path path) {
		try {
			if (!Files.exists(path)) {
				return EMPTY;
			}
			if (!Files.isRegularFile(path)) {
				logger.warn("Password file {} is not a plain file: ignoring it", path);
				return EMPTY;
			}
			PgPassFile file = parse(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
			return isOpenToGroupOrOthers(path) ? new PgPassFile(file.entries, path) : file;
		}
		catch (NoSuchFileException ex) {
			return EMPTY;
		}
		catch (IOException ex) {
			logger.warn("Password file {} cannot be read: ignoring it ({})", path, ex.toString());
			return EMPTY;
		}
	}

	/** Parses the content of a password file. */
	static PgPassFile parse(String content) {
		List<Entry> entries = new ArrayList<>();
		for (String line : content.split("\\R")) {
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			Entry entry = Entry.parse(line);
			if (entry != null) {
				entries.add(entry);
			}
		}
		return new PgPassFile(entries, null);
	}

	/**
	 * The password of the first line matching these connection parameters. An empty
	 * password counts as none, as an empty {@code password=} does in libpq.
	 */
	Optional<String> passwordFor(String host, int port, String database, String user) {
		List<String> wanted = List.of(host, Integer.toString(port), database, user);
		for (Entry entry : this.entries) {
			if (entry.matches(wanted)) {
				if (this.tooOpen != null) {
					throw new BadConfigException("password file " + this.tooOpen + " holds the password for user \""
							+ user + "\" on " + host + ":" + port + "/" + database
							+ " but is readable by group or others, so pg_dump and pg_restore (libpq) ignore it:"
							+ " run chmod 0600 " + this.tooOpen);
				}
				return entry.password().isEmpty() ? Optional.empty() : Optional.of(entry.password());
			}
		}
		if (this.tooOpen != null) {
			logger.warn("Password file {} has group or world access: libpq ignores it; permissions should be u=rw"
					+ " (0600) or less (chmod 0600 {})", this.tooOpen, this.tooOpen);
		}
		return Optional.empty();
	}

	private static boolean isOpenToGroupOrOthers(Path path) throws IOException {
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
			return permissions.stream().anyMatch(GROUP_OR_OTHERS::contains);
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system (Windows): libpq does not check there either.
			return false;
		}
	}

	/**
	 * One line: four match patterns ({@code null} for the wildcard) and the password.
	 */
	private record Entry(List<String> patterns, String password) {

		/** Parses one line, or returns null when it has fewer than five fields. */
		static Entry parse(String line) {
			List<String> patterns = new ArrayList<>(4);
			StringBuilder field = new StringBuilder();
			boolean escaped = false;
			int i = 0;
			for (; i < line.length() && patterns.size() < 4; i++) {
				char c = line.charAt(i);
				if (c == '\\' && i + 1 < line.length()) {
					field.append(line.charAt(++i));
					escaped = true;
				}
				else if (c == ':') {
					// Only a bare "*" is a wildcard; "\*" is a literal star.
					patterns.add((!escaped && field.toString().equals("*")) ? null : field.toString());
					field.setLength(0);
					escaped = false;
				}
				else {
					field.append(c);
				}
			}
			if (patterns.size() < 4) {
				return null;
			}
			return new Entry(patterns, unescapePassword(line.substring(i)));
		}

		/** The password runs up to the next unescaped colon, as libpq reads it. */
		private static String unescapePassword(String rest) {
			StringBuilder password = new StringBuilder();
			for (int i = 0; i < rest.length(); i++) {
				char c = rest.charAt(i);
				if (c == '\\' && i + 1 < rest.length()) {
					password.append(rest.charAt(++i));
				}
				else if (c == ':') {
					break;
				}
				else {
					password.append(c);
				}
			}
			return password.toString();
		}

		boolean matches(List<String> wanted) {
			for (int i = 0; i < 4; i++) {
				String pattern = this.patterns.get(i);
				if (pattern != null && !pattern.equals(wanted.get(i))) {
					return false;
				}
			}
			return true;
		}

		@Override
		public String toString() {
			return "Entry" + this.patterns;
		}

	}

}
