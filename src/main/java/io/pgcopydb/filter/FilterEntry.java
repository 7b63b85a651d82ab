package io.pgcopydb.filter;

import java.util.regex.Pattern;

/**
 * One entry of a filter file's section: a name (a schema or an extension, or a
 * schema-qualified table or index; PostgreSQL's identifier quoting, so dots, spaces,
 * quotes and upper case are written {@code "My Schema"."a.b"}) or a {@code ~/regex/},
 * matched (Java syntax, anywhere in the text, as PostgreSQL's {@code ~}) against the bare
 * name, or against {@code schema.name} unquoted for qualified kinds.
 *
 * @param section its section
 * @param line its line in the file, from 1
 * @param text the entry as written (trimmed)
 * @param schema the schema of a qualified name; null for a regex or an unqualified kind
 * @param name the bare name (unquoted); null for a regex
 * @param regex the pattern of a regex entry, else null
 */
public record FilterEntry(Section section, int line, String text, String schema, String name, Pattern regex) {

	/**
	 * Whether the entry names this object ({@code schema} null for unqualified kinds).
	 */
	public boolean matches(String schema, String name) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/** {@code [exclude-table] public.foo (line 7)}. */
	public String describe() {
		return "[" + this.section.title() + "] " + this.text + " (line " + this.line + ")";
	}

}
