package io.pgcopydb.filter;

import java.util.Objects;
import java.util.regex.Pattern;

import io.pgcopydb.pg.Identifiers;

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
		if (this.regex != null) {
			String text = this.section.kind().qualified() ? schema + "." + name : name;
			return this.regex.matcher(text).find();
		}
		return this.name.equals(name) && Objects.equals(this.schema, schema);
	}

	/**
	 * The entry as a normalised file writes it: a regex as written, a name quoted only
	 * where PostgreSQL needs it ({@code "My Schema".orders}).
	 */
	public String normalized() {
		if (this.regex != null) {
			return "~/" + this.regex.pattern() + "/";
		}
		return (this.schema != null) ? Identifiers.displayQualified(this.schema, this.name)
				: Identifiers.display(this.name);
	}

	/** {@code [exclude-table] public.foo (line 7)}. */
	public String describe() {
		return "[" + this.section.title() + "] " + this.text + " (line " + this.line + ")";
	}

}
