package io.pgcopydb.pg;

/**
 * SQL identifier quoting, as PostgreSQL's {@code quote_ident} does it: every name we put
 * in generated SQL goes through here, whatever its case or characters.
 */
public final class Identifiers {

	private Identifiers() {
	}

	/** Always quotes: cheap, and right for mixed case, keywords and spaces alike. */
	public static String quote(String identifier) {
		return '"' + identifier.replace("\"", "\"\"") + '"';
	}

	public static String qualified(String schema, String name) {
		return quote(schema) + '.' + quote(name);
	}

	/** Quotes a string literal for SQL (standard_conforming_strings on). */
	public static String literal(String value) {
		return '\'' + value.replace("'", "''") + '\'';
	}

}
