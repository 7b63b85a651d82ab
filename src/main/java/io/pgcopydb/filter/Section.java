package io.pgcopydb.filter;

import java.util.Arrays;
import java.util.Optional;

/** A section of a filter file, in the order a normalised filter file lists them. */
public enum Section {

	INCLUDE_ONLY_SCHEMA("include-only-schema", Kind.SCHEMA, true),

	EXCLUDE_SCHEMA("exclude-schema", Kind.SCHEMA, false),

	INCLUDE_ONLY_TABLE("include-only-table", Kind.TABLE, true),

	EXCLUDE_TABLE("exclude-table", Kind.TABLE, false),

	EXCLUDE_INDEX("exclude-index", Kind.INDEX, false),

	EXCLUDE_TABLE_DATA("exclude-table-data", Kind.TABLE, false),

	INCLUDE_ONLY_EXTENSION("include-only-extension", Kind.EXTENSION, true),

	EXCLUDE_EXTENSION("exclude-extension", Kind.EXTENSION, false);

	private final String title;

	private final Kind kind;

	private final boolean includeOnly;

	Section(String title, Kind kind, boolean includeOnly) {
		this.title = title;
		this.kind = kind;
		this.includeOnly = includeOnly;
	}

	/** The name between brackets in the file. */
	public String title() {
		return this.title;
	}

	/** What an entry of the section names. */
	public Kind kind() {
		return this.kind;
	}

	/** An include-only section: what it does not list is left out. */
	public boolean includeOnly() {
		return this.includeOnly;
	}

	public static Optional<Section> byTitle(String title) {
		return Arrays.stream(values()).filter((section) -> section.title.equals(title)).findFirst();
	}

	/**
	 * What an entry names: a schema or an extension by its bare name, a table or an index
	 * by its schema-qualified name.
	 */
	public enum Kind {

		SCHEMA(false), TABLE(true), INDEX(true), EXTENSION(false);

		private final boolean qualified;

		Kind(boolean qualified) {
			this.qualified = qualified;
		}

		/** Entries are {@code schema.name}. */
		public boolean qualified() {
			return this.qualified;
		}

	}

}
