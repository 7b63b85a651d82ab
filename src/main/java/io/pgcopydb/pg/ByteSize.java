package io.pgcopydb.pg;

/**
 * Sizes as PostgreSQL's {@code pg_size_pretty} prints them ({@code 8192 bytes},
 * {@code 16 kB}, {@code 1234 MB}), so that a list command's sizes read exactly as a DBA's
 * own query over the same catalog: below ten units a value stays in the smaller unit, and
 * each step rounds half up.
 */
public final class ByteSize {

	private static final String[] UNITS = { "kB", "MB", "GB", "TB", "PB" };

	private static final long LIMIT = 10 * 1024;

	private ByteSize() {
	}

	public static String pretty(long bytes) {
		if (Math.abs(bytes) < LIMIT) {
			return bytes + " bytes";
		}
		// one more bit than the unit keeps, to round half up (as pg_size_pretty)
		long halves = bytes >> 9;
		for (int unit = 0;; unit++) {
			if (Math.abs(halves) < LIMIT * 2 || unit == UNITS.length - 1) {
				return halfRounded(halves) + " " + UNITS[unit];
			}
			halves >>= 10;
		}
	}

	private static long halfRounded(long halves) {
		return (halves + ((halves < 0) ? -1 : 1)) / 2;
	}

}
