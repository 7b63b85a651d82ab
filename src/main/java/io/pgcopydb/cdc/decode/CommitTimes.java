package io.pgcopydb.cdc.decode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * Reads the commit timestamps the text plugins print (timestamptz_to_str: ISO date and
 * time whatever DateStyle says, in the walsender's TimeZone, such as
 * {@code 2026-11-26 09:35:06.94604+00} or {@code +05:30}).
 */
final class CommitTimes {

	private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd HH:mm:ss")
		.optionalStart()
		.appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
		.optionalEnd()
		.appendPattern("[XXX][X]")
		.toFormatter();

	private CommitTimes() {
	}

	/**
	 * @throws java.time.format.DateTimeParseException when the text is not one
	 */
	static Instant parse(String text) {
		return OffsetDateTime.parse(text, FORMAT).toInstant();
	}

}
