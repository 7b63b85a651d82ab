package io.pgcopydb.config;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id every session and child tool of this process shows at the head of its
 * {@code application_name}: {@code pgcopydb[k3x9a1m2] copy public.events}. It lets an
 * operator tell one migration's backends from another's in {@code pg_stat_activity}, and
 * lets the next command of the same --dir find, and end, what a killed process left
 * working on a server ({@code ProcessRecords} keeps the ids of the processes of a --dir).
 * <p>
 * One id per process, drawn at random: job execution ids restart at 1 in every --dir, so
 * two migrations to the same server would share them. The id comes first because
 * PostgreSQL keeps only the first 63 bytes of an application_name; a name the user gave
 * ({@code application_name} in the connection string or PGAPPNAME) follows it, then what
 * the session does, so ours wins but the user's stays visible.
 *
 * @param value eight characters of {@code [a-z0-9]}
 */
public record SessionTag(String value) {

	/** What every application_name of ours starts with, before the id. */
	public static final String PREFIX = "pgcopydb[";

	private static final Pattern TAGGED = Pattern.compile("^pgcopydb\\[([a-z0-9]{8})\\]");

	private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

	private static final SessionTag CURRENT = random();

	public SessionTag {
		if (!value.matches("[a-z0-9]{8}")) {
			throw new IllegalArgumentException("not a session tag: " + value);
		}
	}

	/** The id of this process, the same for all its sessions and children. */
	public static SessionTag current() {
		return CURRENT;
	}

	private static SessionTag random() {
		SecureRandom random = new SecureRandom();
		StringBuilder value = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return new SessionTag(value.toString());
	}

	/**
	 * The tag an application_name starts with, if it is one of ours.
	 * @param applicationName as pg_stat_activity shows it (may be null)
	 */
	public static Optional<SessionTag> of(String applicationName) {
		if (applicationName == null) {
			return Optional.empty();
		}
		Matcher matcher = TAGGED.matcher(applicationName);
		return matcher.find() ? Optional.of(new SessionTag(matcher.group(1))) : Optional.empty();
	}

	/**
	 * {@code pgcopydb[id] purpose}, or {@code pgcopydb[id] users-name: purpose} when the
	 * user gave an application_name.
	 */
	public String applicationName(Optional<String> usersName, String purpose) {
		String head = PREFIX + this.value + "] ";
		return usersName.filter((name) -> !name.isBlank() && !name.equals("pgcopydb"))
			.map((name) -> head + name + ": " + purpose)
			.orElse(head + purpose);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
