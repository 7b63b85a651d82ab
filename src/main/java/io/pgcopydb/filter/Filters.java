package io.pgcopydb.filter;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code --filters} file (pgcopydb's INI format: section headers, one entry per
 * line, {@code #} and {@code ;} comments, blank lines; a {@code key = value} line keeps
 * its key, as pgcopydb ignores values) and the name-level decisions it makes. Which
 * objects a run then leaves out, following dependencies, is {@link FilterPlanner}'s.
 * <p>
 * Rules, each refused with a one-line {@link io.pgcopydb.error.BadConfigException} (exit
 * 2) naming the file, the line and the remedy: an unknown section, an entry before any
 * section, a malformed entry (an unqualified table or index, unbalanced quotes, an empty
 * part, a bad regex), an include-only and an exclude section of the same kind
 * ([include-only-schema] with [exclude-schema], [include-only-table] with
 * [exclude-table], [include-only-extension] with [exclude-extension]). A file that is
 * missing or unreadable is refused the same way.
 * <p>
 * The normalised form (sections in {@link Section} order, entries unique and sorted,
 * names quoted only where needed) is what a run records: its digest tells whether a
 * resume has the run's filters, whatever the file's comments, order or spelling.
 */
public final class Filters {

	/** No filter file: everything is copied. */
	public static final Filters NONE = new Filters(null, List.of());

	private final Path file;

	private final List<FilterEntry> entries;

	private Filters(Path file, List<FilterEntry> entries) {
		this.file = file;
		this.entries = List.copyOf(entries);
	}

	/** Reads and checks {@code file}; see the class comment for what is refused. */
	public static Filters load(Path file) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/** Parses a filter file's text; {@code file} names it in messages. */
	public static Filters parse(String text, Path file) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/**
	 * {@code --skip-extensions} as a filter: every extension left out. Refused (exit 1,
	 * naming the option, the section and its line) when the file has an extension
	 * section: use one or the other.
	 */
	public Filters skippingExtensions() {
		return this;
	}

	/** The file, or null for {@link #NONE}. */
	public Path file() {
		return this.file;
	}

	public List<FilterEntry> entries() {
		return this.entries;
	}

	public boolean isEmpty() {
		return this.entries.isEmpty();
	}

	/** The normalised text (see the class comment); empty for no filter. */
	public String normalized() {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/** SHA-256 (hex) of {@link #normalized()}; empty for no filter. */
	public String digest() {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/**
	 * What differs between a run's recorded normalised filters and these, one item per
	 * entry: {@code added [exclude-table] public.foo}, {@code removed [exclude-schema]
	 * archive}; empty when they are the same.
	 */
	public List<String> differencesFrom(String recordedNormalized) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/** Whether the schema is left out ([include-only-schema], [exclude-schema]). */
	public Optional<Verdict> schemaLeftOut(String schema) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/**
	 * Whether a relation is left out by name ([include-only-table], [exclude-table]).
	 * @param holdsRows a table (ordinary, partitioned, foreign): [include-only-table]
	 * leaves out those it does not list; views and materialized views are only left out
	 * when named, or through what they read
	 * @param ancestors its partition ancestors, nearest first: a partition of a listed
	 * table is listed
	 */
	public Optional<Verdict> tableLeftOut(String schema, String name, boolean holdsRows, List<String[]> ancestors) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/** Whether an index is left out by name ([exclude-index]). */
	public Optional<Verdict> indexLeftOut(String schema, String name) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/**
	 * Whether a table's rows stay behind ([exclude-table-data]); a partition of a named
	 * table too.
	 */
	public Optional<Verdict> tableDataLeftOut(String schema, String name, List<String[]> ancestors) {
		throw new UnsupportedOperationException("filter: in progress");
	}

	/**
	 * Whether the run leaves an extension to the target ([include-only-extension],
	 * [exclude-extension], --skip-extensions).
	 */
	public Optional<Verdict> extensionLeftOut(String name) {
		throw new UnsupportedOperationException("filter: in progress");
	}

}
