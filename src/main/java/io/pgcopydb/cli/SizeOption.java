package io.pgcopydb.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.pgcopydb.error.BadArgumentsException;

/**
 * A size given on the command line, as PostgreSQL writes sizes: a whole number of bytes,
 * or a number with one of the units B, kB, MB, GB, TB (1024-based, the case of the
 * letters and a space before the unit do not matter: {@code 10GB}, {@code 500 MB}).
 */
final class SizeOption {

	private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*([a-zA-Z]*)\\s*");

	private SizeOption() {
	}

	/**
	 * The size in bytes.
	 * @throws BadArgumentsException naming the option and the accepted forms
	 */
	static long parse(String option, String value) {
		Matcher matcher = SIZE.matcher((value == null) ? "" : value);
		if (!matcher.matches()) {
			throw invalid(option, value);
		}
		int shift = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
			case "", "b", "bytes" -> 0;
			case "k", "kb" -> 10;
			case "m", "mb" -> 20;
			case "g", "gb" -> 30;
			case "t", "tb" -> 40;
			default -> throw invalid(option, value);
		};
		try {
			long number = Long.parseLong(matcher.group(1));
			if (number > (Long.MAX_VALUE >> shift)) {
				throw invalid(option, value);
			}
			return number << shift;
		}
		catch (NumberFormatException ex) {
			throw invalid(option, value);
		}
	}

	private static BadArgumentsException invalid(String option, String value) {
		return new BadArgumentsException(
				option + " takes a size such as 10GB, 500 MB or 1048576 (bytes), got \"" + value + "\"");
	}

}
