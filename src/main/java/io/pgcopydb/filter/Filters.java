package io.pgcopydb.filter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadConfigException;

/**
 * A parsed {@code --filters} file (pgcopydb's INI format: section headers, one entry per
 * line, {@code #} and {@code ;} comments (also inline, after a space), blank lines; a
 * {@code key = value} line keeps its key, as pgcopydb ignores values) and the name-level
 * decisions it makes. Which objects a run then leaves out, following dependencies, is
 * {@link FilterPlanner}'s.
 * <p>
 * Rules, each refused with a one-line {@link io.pgcopydb.error.BadConfigException} (exit
 * 2) naming the file, the line and the remedy: an unknown section, an entry before any
 * section, a malformed entry (an unqualified table or index, unbalanced quotes, an empty
 * part, a bad regex), an include-only and an exclude section of the same kind
 * ([include-only-schema] with [exclude-schema], [include-only-table] with
 * [exclude-table], [include-only-extension] with [exclude-extension]), an include-only
 * section without an entry (it would leave everything of its kind out). A file that is
 * missing or unreadable is refused the same way.
 * <p>
 * The normalised form (a first line {@code --skip-extensions} when the option is given,
 * then sections in {@link Section} order, entries unique and sorted, names quoted only
 * where needed) is what a run records: its digest tells whether a resume has the run's
 * filters and --skip-extensions, whatever the file's comments, order or spelling.
 */
public final class Filters {

	/** No filter file: everything is copied. */
	public static final Filters NONE = new Filters(null, List.of(), Map.of(), false);

	private static final String SKIP_EXTENSIONS = "--skip-extensions";

	private final Path file;

	private final List<FilterEntry> entries;

	private final Map<Section, Integer> headers;

	private final boolean skipExtensions;

	private Filters(Path file, List<FilterEntry> entries, Map<Section, Integer> headers, boolean skipExtensions) {
		this.file = file;
		this.entries = List.copyOf(entries);
		this.headers = headers.isEmpty() ? Map.of() : new EnumMap<>(headers);
		this.skipExtensions = skipExtensions;
	}

	/** Reads and checks {@code file}; see the class comment for what is refused. */
	public static Filters load(Path file) {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
		}
		catch (NoSuchFileException ex) {
			throw new BadConfigException(file + ": no such filter file: check the --filters path");
		}
		catch (CharacterCodingException ex) {
			throw new BadConfigException(file + ": the filter file is not UTF-8 text: save it as UTF-8");
		}
		catch (IOException ex) {
			throw new BadConfigException(file + ": cannot read the filter file (" + ex.getClass().getSimpleName() + ": "
					+ ex.getMessage() + "): check that it is a readable file", ex);
		}
		return parse(text, file);
	}

	/** Parses a filter file's text; {@code file} names it in messages. */
	public static Filters parse(String text, Path file) {
		FilterFileParser.Parsed parsed = FilterFileParser.parse(text, String.valueOf(file));
		return new Filters(file, parsed.entries(), parsed.headers(), false);
	}

	/**
	 * The filters a run recorded as {@link #normalized()} text (with its
	 * {@code --skip-extensions} line, if any); {@code file} names them in messages.
	 */
	public static Filters ofNormalized(String normalized, Path file) {
		boolean skip = normalized.startsWith(SKIP_EXTENSIONS + "\n");
		Filters filters = parse(skip ? normalized.substring(SKIP_EXTENSIONS.length() + 1) : normalized, file);
		return skip ? new Filters(file, filters.entries, filters.headers, true) : filters;
	}

	/**
	 * {@code --skip-extensions} as a filter: every extension left out. Refused (exit 1,
	 * naming the option, the section and its line) when the file has an extension
	 * section: use one or the other.
	 */
	public Filters skippingExtensions() {
		for (Section section : List.of(Section.INCLUDE_ONLY_EXTENSION, Section.EXCLUDE_EXTENSION)) {
			Integer line = this.headers.get(section);
			if (line != null) {
				throw new BadArgumentsException(SKIP_EXTENSIONS + " and [" + section.title() + "] (" + this.file
						+ " line " + line + ") both decide which extensions to copy: drop the option or the section");
			}
		}
		return new Filters(this.file, this.entries, this.headers, true);
	}

	/** The file, or null for {@link #NONE}. */
	public Path file() {
		return this.file;
	}

	public List<FilterEntry> entries() {
		return this.entries;
	}

	/**
	 * No entry and no section, and extensions are not skipped: the run keeps everything.
	 */
	public boolean isEmpty() {
		return this.entries.isEmpty() && this.headers.isEmpty() && !this.skipExtensions;
	}

	/** Whether {@code --skip-extensions} leaves every extension out. */
	public boolean skipsExtensions() {
		return this.skipExtensions;
	}

	/** The line of the section's first header in the file, if it has one. */
	public Optional<Integer> sectionLine(Section section) {
		return Optional.ofNullable(this.headers.get(section));
	}

	/** {@code filters.ini line 7}: where an entry is, for messages. */
	public String where(int line) {
		return this.file + " line " + line;
	}

	/**
	 * The normalised text (see the class comment); empty for no filter and no
	 * {@code --skip-extensions}. An exclude section written with no entry is kept.
	 */
	public String normalized() {
		StringBuilder text = new StringBuilder();
		if (this.skipExtensions) {
			text.append(SKIP_EXTENSIONS).append('\n');
		}
		for (Map.Entry<Section, Set<String>> section : normalizedSections().entrySet()) {
			if (!text.isEmpty()) {
				text.append('\n');
			}
			text.append('[').append(section.getKey().title()).append("]\n");
			section.getValue().forEach((entry) -> text.append(entry).append('\n'));
		}
		return text.toString();
	}

	private Map<Section, Set<String>> normalizedSections() {
		Map<Section, Set<String>> sections = new EnumMap<>(Section.class);
		this.headers.keySet().forEach((section) -> sections.put(section, new TreeSet<>()));
		this.entries.forEach((entry) -> sections.get(entry.section()).add(entry.normalized()));
		return sections;
	}

	/** SHA-256 (hex) of {@link #normalized()}; empty for no filter. */
	public String digest() {
		String normalized = normalized();
		if (normalized.isEmpty()) {
			return "";
		}
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(sha.digest(normalized.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java runtime has SHA-256", ex);
		}
	}

	/**
	 * What differs between a run's recorded normalised filters and these, one item per
	 * entry: {@code added [exclude-table] public.foo}, {@code removed [exclude-schema]
	 * archive}; empty when they are the same. A section added or removed without entries
	 * is one item too ({@code added [exclude-index]}), and so is the option
	 * ({@code added --skip-extensions}).
	 */
	public List<String> differencesFrom(String recordedNormalized) {
		Map<Section, Set<String>> recorded = parseNormalized(recordedNormalized);
		Map<Section, Set<String>> current = normalizedSections();
		List<String> differences = new ArrayList<>();
		boolean recordedSkip = recordedNormalized != null && recordedNormalized.startsWith(SKIP_EXTENSIONS + "\n");
		if (recordedSkip != this.skipExtensions) {
			differences.add((this.skipExtensions ? "added " : "removed ") + SKIP_EXTENSIONS);
		}
		for (Section section : Section.values()) {
			Set<String> before = recorded.get(section);
			Set<String> after = current.get(section);
			String title = "[" + section.title() + "]";
			if (before == null && after == null) {
				continue;
			}
			if (before == null && after.isEmpty()) {
				differences.add("added " + title);
			}
			if (after == null && before.isEmpty()) {
				differences.add("removed " + title);
			}
			Set<String> was = (before != null) ? before : Set.of();
			Set<String> is = (after != null) ? after : Set.of();
			was.stream()
				.filter((entry) -> !is.contains(entry))
				.forEach((entry) -> differences.add("removed " + title + " " + entry));
			is.stream()
				.filter((entry) -> !was.contains(entry))
				.forEach((entry) -> differences.add("added " + title + " " + entry));
		}
		return differences;
	}

	private static Map<Section, Set<String>> parseNormalized(String normalized) {
		Map<Section, Set<String>> sections = new EnumMap<>(Section.class);
		if (normalized == null) {
			return sections;
		}
		Set<String> current = null;
		for (String line : normalized.split("\n")) {
			if (line.isEmpty()) {
				continue;
			}
			Optional<Section> section = line.startsWith("[") && line.endsWith("]")
					? Section.byTitle(line.substring(1, line.length() - 1)) : Optional.empty();
			if (section.isPresent()) {
				current = sections.computeIfAbsent(section.get(), (key) -> new TreeSet<>());
			}
			else if (current != null) {
				current.add(line);
			}
		}
		return sections;
	}

	/** Whether the schema is left out ([include-only-schema], [exclude-schema]). */
	public Optional<Verdict> schemaLeftOut(String schema) {
		return leftOut(Section.INCLUDE_ONLY_SCHEMA, Section.EXCLUDE_SCHEMA, null, schema, List.of(), true);
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
		return leftOut(Section.INCLUDE_ONLY_TABLE, Section.EXCLUDE_TABLE, schema, name, ancestors, holdsRows);
	}

	/** Whether an index is left out by name ([exclude-index]). */
	public Optional<Verdict> indexLeftOut(String schema, String name) {
		return leftOut(null, Section.EXCLUDE_INDEX, schema, name, List.of(), false);
	}

	/**
	 * Whether a table's rows stay behind ([exclude-table-data]); a partition of a named
	 * table too.
	 */
	public Optional<Verdict> tableDataLeftOut(String schema, String name, List<String[]> ancestors) {
		return leftOut(null, Section.EXCLUDE_TABLE_DATA, schema, name, ancestors, false);
	}

	/**
	 * Whether the run leaves an extension to the target ([include-only-extension],
	 * [exclude-extension], --skip-extensions).
	 */
	public Optional<Verdict> extensionLeftOut(String name) {
		if (this.skipExtensions) {
			return Optional.of(new Verdict(null, null, SKIP_EXTENSIONS));
		}
		return leftOut(Section.INCLUDE_ONLY_EXTENSION, Section.EXCLUDE_EXTENSION, null, name, List.of(), true);
	}

	/**
	 * The exclude section's first entry naming the object or one of its ancestors; else,
	 * when the include-only section is there and {@code includeOnlyApplies}, whether it
	 * lists neither.
	 */
	private Optional<Verdict> leftOut(Section includeOnly, Section exclude, String schema, String name,
			List<String[]> ancestors, boolean includeOnlyApplies) {
		Optional<FilterEntry> excluded = firstMatch(exclude, schema, name, ancestors);
		if (excluded.isPresent()) {
			return Optional.of(new Verdict(exclude, excluded.get(), null));
		}
		if (includeOnly != null && includeOnlyApplies && this.headers.containsKey(includeOnly)
				&& firstMatch(includeOnly, schema, name, ancestors).isEmpty()) {
			return Optional.of(new Verdict(includeOnly, null, null));
		}
		return Optional.empty();
	}

	private Optional<FilterEntry> firstMatch(Section section, String schema, String name, List<String[]> ancestors) {
		for (FilterEntry entry : this.entries) {
			if (entry.section() != section) {
				continue;
			}
			if (entry.matches(schema, name)) {
				return Optional.of(entry);
			}
			for (String[] ancestor : ancestors) {
				if (entry.matches(ancestor[0], ancestor[1])) {
					return Optional.of(entry);
				}
			}
		}
		return Optional.empty();
	}

}
