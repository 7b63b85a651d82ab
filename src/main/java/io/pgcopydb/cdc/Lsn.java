package io.pgcopydb.cdc;

import io.pgcopydb.error.BadArgumentsException;

/**
 * A WAL position (pg_lsn), unsigned 64 bits, written {@code X/Y} in hexadecimal as
 * PostgreSQL does. {@link #INVALID} ({@code 0/0}) stands for "none".
 */
public record Lsn(long value) implements Comparable<Lsn> {

	public static final Lsn INVALID = new Lsn(0);

	/**
	 * Parses {@code X/Y}; fails with a message naming {@code what} (e.g. "--endpos").
	 */
	public static Lsn parse(String text, String what) {
		String trimmed = (text != null) ? text.trim() : "";
		int slash = trimmed.indexOf('/');
		if (slash <= 0 || slash == trimmed.length() - 1 || slash > 8 || trimmed.length() - slash - 1 > 8
				|| !isHex(trimmed.substring(0, slash)) || !isHex(trimmed.substring(slash + 1))) {
			throw new BadArgumentsException(
					what + ": \"" + text + "\" is not an LSN; write it as PostgreSQL does," + " for example 0/16B6C50");
		}
		try {
			long high = Long.parseLong(trimmed.substring(0, slash), 16);
			long low = Long.parseLong(trimmed.substring(slash + 1), 16);
			return new Lsn((high << 32) | low);
		}
		catch (NumberFormatException ex) {
			throw new BadArgumentsException(
					what + ": \"" + text + "\" is not an LSN; write it as PostgreSQL does," + " for example 0/16B6C50");
		}
	}

	/** Hex digits only: Long.parseLong would also take a sign. */
	private static boolean isHex(String text) {
		return text.chars().allMatch((c) -> Character.digit(c, 16) >= 0);
	}

	/** Parses {@code X/Y} from the server; null for a null text. */
	public static Lsn ofNullable(String text) {
		return (text != null) ? parse(text, "LSN") : null;
	}

	public boolean isValid() {
		return this.value != 0;
	}

	@Override
	public int compareTo(Lsn other) {
		return Long.compareUnsigned(this.value, other.value);
	}

	public boolean isAfter(Lsn other) {
		return compareTo(other) > 0;
	}

	public boolean isBefore(Lsn other) {
		return compareTo(other) < 0;
	}

	/** Bytes from {@code earlier} to this position, 0 when {@code earlier} is later. */
	public long bytesAfter(Lsn earlier) {
		return isAfter(earlier) ? this.value - earlier.value : 0;
	}

	/** {@code X/Y}, as pg_lsn prints it. */
	public String asString() {
		return Long.toHexString(this.value >>> 32).toUpperCase() + "/"
				+ Long.toHexString(this.value & 0xFFFFFFFFL).toUpperCase();
	}

	@Override
	public String toString() {
		return asString();
	}

}
