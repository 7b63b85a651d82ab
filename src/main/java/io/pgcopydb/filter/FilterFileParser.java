package io.pgcopydb.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import io.pgcopydb.error.BadConfigException;

/**
 * Reads pgcopydb's INI filter format line by line. Hand-written rather than ini4j (its
 * last release is from 2015) because no INI library knows PostgreSQL's identifier
 * quoting: {@code "a=b"."x;y"} is one entry, not a key with a value or a comment.
 * <p>
 * Every refusal is one line naming the file, the line and the remedy, as an operator
 * fixes it in an editor.
 */
final class FilterFileParser {

	private static final String SEE = " (see jobs/README.md)";

	private static final String BOM = "\uFEFF";

	private final String file;

	private final List<FilterEntry> entries = new ArrayList<>();

	private final Map<Section, Integer> headers = new EnumMap<>(Section.class);

	private Section current;

	private int line;

	private FilterFileParser(String file) {
		this.file = file;
	}

	/** The entries, and the line of each section's first header. */
	record Parsed(List<FilterEntry> entries, Map<Section, Integer> headers) {
	}

	static Parsed parse(String text, String file) {
		FilterFileParser parser = new FilterFileParser(file);
		// editors on Windows save UTF-8 with a byte order mark
		String[] lines = (text.startsWith(BOM) ? text.substring(1) : text).split("\r\n|\r|\n", -1);
		for (int i = 0; i < lines.length; i++) {
			parser.line = i + 1;
			parser.parseLine(lines[i].strip());
		}
		parser.checkIncludeOnlyHaveEntries();
		return new Parsed(parser.entries, parser.headers);
	}

	/**
	 * An include-only section without an entry (every one commented out, say) would leave
	 * everything of its kind out, and a run would copy nothing of it and succeed.
	 */
	private void checkIncludeOnlyHaveEntries() {
		for (Map.Entry<Section, Integer> header : this.headers.entrySet()) {
			Section section = header.getKey();
			if (section.includeOnly() && this.entries.stream().noneMatch((entry) -> entry.section() == section)) {
				this.line = header.getValue();
				throw refuse("[" + section.title() + "] has no entry: every "
						+ section.kind().name().toLowerCase(Locale.ROOT)
						+ " would be left out; list what to keep or remove the section");
			}
		}
	}

	private void parseLine(String text) {
		if (text.isEmpty() || text.startsWith("#") || text.startsWith(";")) {
			return;
		}
		if (text.startsWith("[")) {
			header(text);
			return;
		}
		if (this.current == null) {
			throw refuse("entry " + text + " comes before any section: put it under a section header such as"
					+ " [exclude-table]" + SEE);
		}
		this.entries.add(entry(text));
	}

	private void header(String written) {
		String text = withoutInlineComment(written);
		if (!text.endsWith("]")) {
			throw refuse("section header " + text + " lacks its closing ]: write [section-name]" + SEE);
		}
		String title = text.substring(1, text.length() - 1).strip();
		Section section = Section.byTitle(title)
			.orElseThrow(() -> refuse("unknown section [" + title + "]: the sections are "
					+ Arrays.stream(Section.values())
						.map((known) -> "[" + known.title() + "]")
						.collect(Collectors.joining(", "))
					+ SEE));
		for (Map.Entry<Section, Integer> seen : this.headers.entrySet()) {
			Section other = seen.getKey();
			if (other != section && other.kind() == section.kind() && other.includeOnly() != section.includeOnly()
					&& other != Section.EXCLUDE_TABLE_DATA && section != Section.EXCLUDE_TABLE_DATA) {
				throw refuse("[" + section.title() + "] and [" + other.title() + "] (line " + seen.getValue()
						+ ") both name " + plural(section.kind()) + ": keep one of them");
			}
		}
		this.headers.putIfAbsent(section, this.line);
		this.current = section;
	}

	private static String plural(Section.Kind kind) {
		return switch (kind) {
			case SCHEMA -> "schemas";
			case TABLE -> "tables";
			case INDEX -> "indexes";
			case EXTENSION -> "extensions";
		};
	}

	private FilterEntry entry(String text) {
		if (text.startsWith("~/")) {
			return regexEntry(text);
		}
		text = withoutInlineComment(text);
		List<String> parts = new ArrayList<>();
		int end = nameParts(text, parts);
		String written = keyOnly(text, end);
		boolean qualified = this.current.kind().qualified();
		if (qualified && parts.size() == 1) {
			throw refuse(written + " in [" + this.current.title() + "] is not schema-qualified: write schema.name"
					+ " (quote a name holding a dot: \"a.b\")");
		}
		if (!qualified && parts.size() > 1) {
			throw refuse(written + " in [" + this.current.title() + "] is qualified: write the bare "
					+ this.current.kind().name().toLowerCase(Locale.ROOT)
					+ " name, and quote a name holding a dot (\"a.b\")");
		}
		if (parts.size() > 2) {
			throw refuse(written + " in [" + this.current.title() + "] has " + (parts.size() - 1)
					+ " dots: write schema.name, and quote a name holding a dot (\"a.b\")");
		}
		return new FilterEntry(this.current, this.line, written, qualified ? parts.get(0) : null,
				parts.get(parts.size() - 1), null);
	}

	/**
	 * Splits a name into its parts, PostgreSQL's way: {@code "..."} quoted with
	 * {@code ""} for a quote, unquoted parts folded to lower case (ASCII only, as
	 * PostgreSQL does in multibyte encodings). Returns where the name ends: the end of
	 * the text, or a {@code =} that starts an ignored value.
	 */
	private int nameParts(String text, List<String> parts) {
		int i = 0;
		int n = text.length();
		while (true) {
			while (i < n && Character.isWhitespace(text.charAt(i))) {
				i++;
			}
			StringBuilder part = new StringBuilder();
			if (i < n && text.charAt(i) == '"') {
				i = quotedPart(text, i, part);
			}
			else {
				int start = i;
				while (i < n && text.charAt(i) != '.' && text.charAt(i) != '=' && text.charAt(i) != '"') {
					i++;
				}
				String bare = text.substring(start, i).strip();
				if (bare.chars().anyMatch(Character::isWhitespace)) {
					throw refuse(text + " in [" + this.current.title() + "]: the name " + bare
							+ " holds a space: quote it (\"" + bare + "\")");
				}
				if (i < n && text.charAt(i) == '"') {
					throw refuse(text + " in [" + this.current.title() + "]: a quote inside the unquoted name " + bare
							+ ": quote the whole name and double its quotes");
				}
				part.append(foldCase(bare));
			}
			while (i < n && Character.isWhitespace(text.charAt(i))) {
				i++;
			}
			if (part.isEmpty()) {
				throw refuse(text + " in [" + this.current.title() + "] has an empty name part: write schema.name"
						+ " with both parts");
			}
			parts.add(part.toString());
			if (i < n && text.charAt(i) == '.') {
				i++;
				continue;
			}
			if (i < n && text.charAt(i) != '=') {
				throw refuse(text + " in [" + this.current.title() + "]: unexpected " + text.charAt(i)
						+ " after a quoted name: separate the parts with a dot");
			}
			return i;
		}
	}

	private int quotedPart(String text, int open, StringBuilder part) {
		int i = open + 1;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (c == '"') {
				if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
					part.append('"');
					i += 2;
					continue;
				}
				return i + 1;
			}
			part.append(c);
			i++;
		}
		throw refuse(text + " in [" + this.current.title() + "] has an unbalanced double quote: close it, and"
				+ " double a quote inside a name (\"a\"\"b\")");
	}

	/**
	 * An inline comment ({@code #} or {@code ;} after a space, outside quotes) ends the
	 * line, as in the INI reader pgcopydb uses.
	 */
	private static String withoutInlineComment(String text) {
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"') {
				quoted = !quoted;
			}
			else if (!quoted && (c == '#' || c == ';') && i > 0 && Character.isWhitespace(text.charAt(i - 1))) {
				return text.substring(0, i).strip();
			}
		}
		return text;
	}

	private static String foldCase(String bare) {
		StringBuilder folded = new StringBuilder(bare.length());
		for (int i = 0; i < bare.length(); i++) {
			char c = bare.charAt(i);
			folded.append((c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c);
		}
		return folded.toString();
	}

	/**
	 * The pattern ends at the first {@code /} followed by the end of the line, a space,
	 * {@code =}, {@code #} or {@code ;}: a comment after the entry may hold slashes.
	 */
	private FilterEntry regexEntry(String text) {
		int close = regexClose(text);
		String after = (close > 1) ? text.substring(close + 1).strip() : "";
		if (close <= 1
				|| !(after.isEmpty() || after.startsWith("=") || after.startsWith("#") || after.startsWith(";"))) {
			throw refuse(text + " in [" + this.current.title() + "]: a regex entry is ~/pattern/: close it with /");
		}
		String source = text.substring(2, close);
		if (source.isEmpty()) {
			throw refuse(text + " in [" + this.current.title() + "]: empty regex: write a pattern between ~/ and /");
		}
		try {
			return new FilterEntry(this.current, this.line, "~/" + source + "/", null, null, Pattern.compile(source));
		}
		catch (PatternSyntaxException ex) {
			throw refuse("bad regex ~/" + source + "/ in [" + this.current.title() + "]: " + ex.getDescription()
					+ ((ex.getIndex() >= 0) ? " near index " + ex.getIndex() : "")
					+ ": fix the pattern (Java regex syntax)");
		}
	}

	private static int regexClose(String text) {
		for (int i = 2; i < text.length(); i++) {
			if (text.charAt(i) != '/') {
				continue;
			}
			if (i + 1 == text.length()) {
				return i;
			}
			char next = text.charAt(i + 1);
			if (Character.isWhitespace(next) || next == '=' || next == '#' || next == ';') {
				return i;
			}
		}
		return -1;
	}

	private static String keyOnly(String text, int end) {
		return text.substring(0, end).strip();
	}

	private BadConfigException refuse(String what) {
		return new BadConfigException(this.file + " line " + this.line + ": " + what);
	}

}
