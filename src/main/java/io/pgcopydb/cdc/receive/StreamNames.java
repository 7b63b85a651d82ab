package io.pgcopydb.cdc.receive;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.pgcopydb.error.BadArgumentsException;

/**
 * The names a follow gives its objects: the slot and publication(s) on the source and the
 * replication origin on the target. Slots and origins are cluster-wide, so the defaults
 * are derived from the absolute path of --dir ({@code pgcopydb_1a2b3c4d}): two runs on
 * one cluster never share them, and the same --dir finds its own again on resume.
 * pgcopydb's fixed name {@code pgcopydb} is there for the user who asks for it.
 *
 * @param slot the logical replication slot
 * @param publication the publication of the tables followed in full (pgoutput only)
 * @param origin the replication origin on the target
 */
public record StreamNames(String slot, String publication, String origin) {

	/** PostgreSQL's NAMEDATALEN - 1. */
	private static final int MAX_NAME = 63;

	public StreamNames {
		checkSlotName(slot);
		check(publication, "--publication");
		check(origin, "--origin");
	}

	/**
	 * The names of a run in {@code dir}, each replaced by the one the user gave when not
	 * null.
	 */
	public static StreamNames of(Path dir, String slot, String publication, String origin) {
		String derived = derived(dir);
		return new StreamNames(orElse(slot, derived), orElse(publication, derived), orElse(origin, derived));
	}

	/**
	 * The second publication, of the tables without replica identity that the user
	 * accepted to follow for inserts and truncates only.
	 */
	public String insertOnlyPublication() {
		String suffix = "_insert_only";
		String base = (this.publication.length() + suffix.length() > MAX_NAME)
				? this.publication.substring(0, MAX_NAME - suffix.length()) : this.publication;
		return base + suffix;
	}

	/**
	 * {@code pgcopydb_} and 8 hex digits of a hash of the absolute path of {@code dir}.
	 */
	static String derived(Path dir) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
			return "pgcopydb_" + HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private static String orElse(String given, String derived) {
		return (given != null && !given.isBlank()) ? given : derived;
	}

	/**
	 * Slot names are restricted by the server to lower case letters, digits and
	 * underscores: refusing others here is clearer than the server's error after the
	 * publication was made.
	 */
	private static void checkSlotName(String slot) {
		check(slot, "--slot-name");
		if (!slot.matches("[a-z0-9_]+")) {
			throw new BadArgumentsException("--slot-name \"" + slot + "\" is not a valid replication slot name:"
					+ " use only lower case letters, digits and underscores");
		}
	}

	private static void check(String name, String option) {
		if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
			throw new BadArgumentsException(
					option + " \"" + name + "\" is not a valid name: give 1 to " + MAX_NAME + " characters");
		}
	}

}
