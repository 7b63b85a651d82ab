package io.pgcopydb.pg;

import java.util.Set;

/**
 * SQL identifier quoting, as PostgreSQL's {@code quote_ident} does it: every name we put
 * in generated SQL goes through here, whatever its case or characters.
 */
public final class Identifiers {

	/**
	 * The keywords quote_ident quotes (every category but unreserved), PostgreSQL 15's
	 * {@code SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'}.
	 */
	private static final Set<String> QUOTED_KEYWORDS = Set.of("all", "analyse", "analyze", "and", "any", "array", "as",
			"asc", "asymmetric", "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case",
			"cast", "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
			"constraint", "create", "cross", "current_catalog", "current_date", "current_role", "current_schema",
			"current_time", "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc",
			"distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign",
			"freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially",
			"inner", "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
			"leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national", "natural", "nchar",
			"none", "normalize", "not", "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order",
			"out", "outer", "overlaps", "overlay", "placing", "position", "precision", "primary", "real", "references",
			"returning", "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring",
			"symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true",
			"union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when", "where", "window",
			"with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse",
			"xmlpi", "xmlroot", "xmlserialize", "xmltable");

	private Identifiers() {
	}

	/**
	 * The identifier as PostgreSQL's quote_ident writes it, for log lines and messages:
	 * plain when it is lower case ASCII letters, digits and underscores, not starting
	 * with a digit, and no keyword; otherwise in double quotes with quotes doubled.
	 * Unlike always quoting, it reads as people write SQL, and unlike never quoting, it
	 * is unambiguous ({@code "x.y"."tab ""q"""} is not {@code x.y.tab "q"}).
	 */
	public static String display(String identifier) {
		return needsQuotes(identifier) ? quote(identifier) : identifier;
	}

	/** schema.name, each part as {@link #display} writes it. */
	public static String displayQualified(String schema, String name) {
		return display(schema) + '.' + display(name);
	}

	private static boolean needsQuotes(String identifier) {
		if (identifier.isEmpty() || !(isLower(identifier.charAt(0)) || identifier.charAt(0) == '_')) {
			return true;
		}
		for (int i = 1; i < identifier.length(); i++) {
			char c = identifier.charAt(i);
			if (!(isLower(c) || c == '_' || (c >= '0' && c <= '9'))) {
				return true;
			}
		}
		return QUOTED_KEYWORDS.contains(identifier);
	}

	private static boolean isLower(char c) {
		return c >= 'a' && c <= 'z';
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
