package io.pgcopydb.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.pgcopydb.pg.Identifiers;

/**
 * Renders a setting's value, as pg_db_role_setting stores it, into the SQL that sets it
 * again. Most values are one string literal. A few parameters are lists whose elements
 * the server quotes as identifiers ({@code search_path = "$user", public}): the stored
 * text must be split into its elements, each given as a literal, or the whole list would
 * become one schema named {@code "$user", public}.
 */
final class SettingValues {

	/**
	 * The server's list parameters whose elements are quoted (GUC_LIST_QUOTE); see the
	 * <a href="https://www.postgresql.org/docs/current/sql-alterdatabase.html">ALTER
	 * DATABASE</a> and runtime configuration pages.
	 */
	private static final Set<String> QUOTED_LISTS = Set.of("search_path", "temp_tablespaces",
			"session_preload_libraries", "shared_preload_libraries", "local_preload_libraries");

	private SettingValues() {
	}

	static String render(String name, String value) {
		if (!QUOTED_LISTS.contains(name.toLowerCase(Locale.ROOT))) {
			return Identifiers.literal(value);
		}
		List<String> elements = split(value);
		if (elements.isEmpty()) {
			return "''";
		}
		return elements.stream().map(Identifiers::literal).collect(Collectors.joining(", "));
	}

	/**
	 * The elements of a stored list: separated by commas, each unquoted (surrounding
	 * spaces dropped) or double-quoted with {@code ""} for a quote.
	 */
	static List<String> split(String value) {
		List<String> elements = new ArrayList<>();
		int i = 0;
		int length = value.length();
		while (i < length) {
			while (i < length && Character.isWhitespace(value.charAt(i))) {
				i++;
			}
			if (i >= length) {
				break;
			}
			StringBuilder element = new StringBuilder();
			if (value.charAt(i) == '"') {
				i++;
				while (i < length) {
					char c = value.charAt(i);
					if (c == '"') {
						if (i + 1 < length && value.charAt(i + 1) == '"') {
							element.append('"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					element.append(c);
					i++;
				}
			}
			else {
				while (i < length && value.charAt(i) != ',') {
					element.append(value.charAt(i));
					i++;
				}
			}
			elements.add(element.toString().strip());
			while (i < length && value.charAt(i) != ',') {
				i++;
			}
			i++;
		}
		return elements;
	}

}
