package io.pgcopydb.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An archive's table of contents as {@code pg_restore --list} prints it, parsed into
 * {@link TocEntry entries}, and the {@code --use-list} file that restores only some of
 * them.
 * <p>
 * pg_restore prints {@code dumpId; catalogOid objectOid desc schema name owner}, with no
 * quoting: desc, name and (rarely) owner may hold spaces. The desc is therefore matched
 * against pg_dump's own list of entry types (PostgreSQL 13 to 18), longest first, and an
 * entry without an owner is told apart by the trailing space pg_restore prints in its
 * place. Names are split from owners on the last space, so an owner whose name holds a
 * space is misread. A schema whose name holds a space is told from its SCHEMA entry in
 * the same listing.
 * <p>
 * Safety over completeness: a line that looks like an entry but cannot be parsed (a desc
 * this class does not know, from a newer pg_dump) is reported by {@link #unparsedLines()}
 * and always left active in {@link #useList}, so it is restored rather than silently
 * dropped.
 */
public final class ArchiveToc {

	/**
	 * Every entry type pg_dump 13 to 18 writes, longest first so "TABLE DATA" wins over
	 * "TABLE".
	 */
	static final List<String> DESCRIPTIONS = Stream
		.of("ACCESS METHOD", "ACL", "AGGREGATE", "BLOB", "BLOB METADATA", "BLOBS", "CAST", "CHECK CONSTRAINT",
				"COLLATION", "COMMENT", "CONSTRAINT", "CONVERSION", "DATABASE", "DATABASE PROPERTIES", "DEFAULT",
				"DEFAULT ACL", "DOMAIN", "DUMMY TYPE", "ENCODING", "EVENT TRIGGER", "EXTENSION", "FK CONSTRAINT",
				"FOREIGN DATA WRAPPER", "FOREIGN SERVER", "FOREIGN TABLE", "FUNCTION", "INDEX", "INDEX ATTACH",
				"LANGUAGE", "LARGE OBJECT", "LARGE OBJECTS", "MATERIALIZED VIEW", "MATERIALIZED VIEW DATA", "OPERATOR",
				"OPERATOR CLASS", "OPERATOR FAMILY", "POLICY", "PROCEDURAL LANGUAGE", "PROCEDURE", "PUBLICATION",
				"PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA", "ROW SECURITY", "RULE", "SCHEMA", "SEARCHPATH",
				"SECURITY LABEL", "SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET", "SERVER", "SHELL TYPE", "STATISTICS",
				"STATISTICS DATA", "STDSTRINGS", "SUBSCRIPTION", "SUBSCRIPTION TABLE", "TABLE", "TABLE ATTACH",
				"TABLE DATA", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "TEXT SEARCH PARSER",
				"TEXT SEARCH TEMPLATE", "TRANSFORM", "TRIGGER", "TYPE", "USER MAPPING", "VIEW", "pg_largeobject")
		.sorted(Comparator.comparingInt(String::length).reversed())
		.toList();

	/** The line --verbose prints under an entry: ";\tdepends on: 214 215". */
	private static final Pattern DEPENDS_ON = Pattern.compile("^;\\s*depends on:((?:\\s+\\d+)*)\\s*$");

	/** "dumpId; catalogOid objectOid rest", where rest keeps its trailing space. */
	private static final Pattern ENTRY = Pattern.compile("^\\s*(\\d+);\\s*(\\d+)\\s+(\\d+) (.*)$");

	private final List<String> lines;

	private final List<TocEntry> entries;

	private final List<String> unparsed;

	/** For each line, its entry, or null when the line is kept verbatim. */
	private final List<TocEntry> entryByLine;

	private ArchiveToc(List<String> lines, List<TocEntry> entryByLine, List<String> unparsed) {
		this.lines = List.copyOf(lines);
		this.entryByLine = entryByLine;
		this.entries = entryByLine.stream().filter(Objects::nonNull).toList();
		this.unparsed = List.copyOf(unparsed);
	}

	/**
	 * Parses the output of {@code pg_restore --list}; never fails, see the class comment.
	 * @param pgRestoreListOutput the listing, header comments included
	 * @return the table of contents
	 */
	public static ArchiveToc parse(String pgRestoreListOutput) {
		return parse(pgRestoreListOutput, List.of());
	}

	/**
	 * As {@link #parse(String)}, knowing {@code schemas} besides those the listing's own
	 * SCHEMA entries name: a post-data archive has none, its schemas are in pre-data.
	 * @param schemas schema names, those holding a space matter
	 * @return the table of contents
	 */
	public static ArchiveToc parse(String pgRestoreListOutput, java.util.Collection<String> schemas) {
		List<String> lines = new ArrayList<>();
		List<TocEntry> entryByLine = new ArrayList<>();
		List<String> unparsed = new ArrayList<>();
		Map<Integer, List<Integer>> dependencies = new HashMap<>();
		TocEntry previous = null;
		for (String raw : pgRestoreListOutput.split("\n", -1)) {
			String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
			lines.add(line);
			String content = line.strip();
			if (content.isEmpty() || content.startsWith(";")) {
				entryByLine.add(null);
				Matcher depends = DEPENDS_ON.matcher(content);
				if (previous != null && depends.matches()) {
					dependencies.put(previous.dumpId(), ids(depends.group(1)));
				}
				continue;
			}
			Optional<TocEntry> entry = parseEntry(line, List.of());
			entryByLine.add(entry.orElse(null));
			previous = entry.orElse(null);
			if (entry.isEmpty()) {
				unparsed.add(line);
			}
		}
		// a schema whose name holds a space is known from its SCHEMA entry: the entries
		// in it are split again on that name, longest first
		List<String> spacedSchemas = Stream
			.concat(schemas.stream(),
					entryByLine.stream()
						.filter((entry) -> entry != null && "SCHEMA".equals(entry.desc()))
						.map(TocEntry::name))
			.filter((name) -> name.contains(" "))
			.distinct()
			.sorted(Comparator.comparingInt(String::length).reversed())
			.toList();
		if (!spacedSchemas.isEmpty()) {
			for (int i = 0; i < entryByLine.size(); i++) {
				TocEntry entry = entryByLine.get(i);
				if (entry != null && entry.schema() != null) {
					entryByLine.set(i, parseEntry(entry.line(), spacedSchemas).orElse(entry));
				}
			}
		}
		if (!dependencies.isEmpty()) {
			for (int i = 0; i < entryByLine.size(); i++) {
				TocEntry entry = entryByLine.get(i);
				if (entry != null && dependencies.containsKey(entry.dumpId())) {
					entryByLine.set(i, entry.withDependencies(dependencies.get(entry.dumpId())));
				}
			}
		}
		return new ArchiveToc(lines, entryByLine, unparsed);
	}

	private static List<Integer> ids(String list) {
		return Stream.of(list.strip().split("\\s+")).filter((id) -> !id.isEmpty()).map(Integer::valueOf).toList();
	}

	/** Parses one entry line, or returns empty when its shape or desc is unknown. */
	static Optional<TocEntry> parseEntry(String line) {
		return parseEntry(line, List.of());
	}

	/**
	 * As {@link #parseEntry(String)}, the schema being the first of {@code spacedSchemas}
	 * (names holding a space) that starts the rest of the line, else its first word.
	 */
	static Optional<TocEntry> parseEntry(String line, List<String> spacedSchemas) {
		Matcher matcher = ENTRY.matcher(line);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		String rest = matcher.group(4);
		String desc = DESCRIPTIONS.stream().filter((d) -> rest.startsWith(d + " ")).findFirst().orElse(null);
		if (desc == null) {
			return Optional.empty();
		}
		String afterDesc = rest.substring(desc.length() + 1);
		int schemaEnd = spacedSchemas.stream()
			.filter((schema) -> afterDesc.startsWith(schema + " "))
			.findFirst()
			.map(String::length)
			.orElse(afterDesc.indexOf(' '));
		if (schemaEnd <= 0) {
			return Optional.empty();
		}
		String schema = afterDesc.substring(0, schemaEnd);
		String nameAndOwner = afterDesc.substring(schemaEnd + 1);
		String name;
		String owner;
		int lastSpace = nameAndOwner.lastIndexOf(' ');
		if (nameAndOwner.endsWith(" ") || lastSpace < 0) {
			// pg_restore prints an empty owner, leaving the separating space at the end
			name = nameAndOwner.endsWith(" ") ? nameAndOwner.substring(0, nameAndOwner.length() - 1) : nameAndOwner;
			owner = null;
		}
		else {
			name = nameAndOwner.substring(0, lastSpace);
			owner = nameAndOwner.substring(lastSpace + 1);
		}
		try {
			return Optional.of(new TocEntry(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)),
					Long.parseLong(matcher.group(3)), desc, "-".equals(schema) ? null : schema, name, owner, line));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/** The entries parsed, in archive order. */
	public List<TocEntry> entries() {
		return this.entries;
	}

	/**
	 * The lines that are neither comments nor parsable entries; a caller should warn
	 * about them, since {@link #useList} cannot filter them out.
	 */
	public List<String> unparsedLines() {
		return this.unparsed;
	}

	/**
	 * The body of a {@code pg_restore --use-list} file: the listing with the entries not
	 * kept commented out by a leading ';' (pg_restore ignores a line from its first ';'
	 * on). Comments, blank lines and unparsed lines stay as they are, in their order.
	 * @param keep which entries to restore
	 * @return the file body
	 */
	public String useList(Predicate<TocEntry> keep) {
		return annotated((entry) -> keep.test(entry) ? Optional.empty() : Optional.of(""));
	}

	/**
	 * As {@link #useList}, each entry left out followed by why: {@code ;214; 1259 16384
	 * TABLE app audit_log postgres ; left out: [exclude-table] app.audit_log (line 4)}.
	 * Still a {@code --use-list} file.
	 * @param leftOut why an entry is left out, empty for one restored (a blank reason
	 * adds no comment)
	 * @return the listing
	 */
	public String annotated(java.util.function.Function<TocEntry, Optional<String>> leftOut) {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < this.lines.size(); i++) {
			TocEntry entry = this.entryByLine.get(i);
			if (i > 0) {
				body.append('\n');
			}
			Optional<String> reason = (entry != null) ? leftOut.apply(entry) : Optional.empty();
			if (reason.isPresent()) {
				body.append(';');
			}
			body.append(this.lines.get(i));
			if (reason.isPresent() && !reason.get().isBlank()) {
				body.append(" ; left out: ").append(reason.get());
			}
		}
		return body.toString();
	}

}
