package io.pgcopydb.schema;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.pgcopydb.catalog.SchemaObjects.CatalogObject;

/**
 * Decides, for one archive entry, whether the target already has its object, from the
 * target's catalog and the run's own record of what it created:
 * <ul>
 * <li>absent: restore it (and record it as created by the run);
 * <li>ours: the run recorded it and the target has an object of its kind (a DBA may have
 * edited it since): leave it out;
 * <li>identical: made by someone else with the same kind (and, for a table, the same
 * columns; for a schema, the same owner): leave it out, the run uses it as it is;
 * <li>a clash: same identity, another kind (a view where the archive has a table, a table
 * holding an index's name) or another definition: nothing may be restored until a person
 * decides, since restoring would fail or replace the target's own object.
 * </ul>
 * Identity is PostgreSQL's uniqueness scope, not pg_dump's entry type: relations and
 * types share their schema's names, so do functions, procedures and aggregates, and a
 * table's constraints. Entries that create nothing named (COMMENT, ACL, DEFAULT, SEQUENCE
 * OWNED BY, MATERIALIZED VIEW DATA, ROW SECURITY, SECURITY LABEL...) are re-runnable and
 * always restored. Operators, operator classes and families are known by name only (their
 * tag carries no argument types or access method).
 */
public final class TargetPresence {

	private static final Map<String, String> SCOPES = scopes();

	private final Map<String, CatalogObject> onTarget = new HashMap<>();

	private final boolean noOwner;

	/**
	 * @param onTarget the target's objects ({@code SchemaObjects.read})
	 * @param noOwner --no-owner: a schema's owner is not compared
	 */
	public TargetPresence(List<CatalogObject> onTarget, boolean noOwner) {
		for (CatalogObject object : onTarget) {
			String scope = SCOPES.get(object.kind());
			if (scope != null) {
				this.onTarget.putIfAbsent(key(scope, object.schema(), object.tag()), object);
			}
		}
		this.noOwner = noOwner;
	}

	private static Map<String, String> scopes() {
		Map<String, String> scopes = new HashMap<>();
		for (String kind : List.of("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FOREIGN TABLE", "INDEX", "TYPE",
				"DOMAIN", "SHELL TYPE")) {
			scopes.put(kind, "relation or type");
		}
		for (String kind : List.of("FUNCTION", "PROCEDURE", "AGGREGATE")) {
			scopes.put(kind, "routine");
		}
		for (String kind : List.of("CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT")) {
			scopes.put(kind, "constraint");
		}
		for (String kind : List.of("SCHEMA", "TABLE ATTACH", "INDEX ATTACH", "TRIGGER", "RULE", "POLICY", "STATISTICS",
				"COLLATION", "CONVERSION", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "TEXT SEARCH PARSER",
				"TEXT SEARCH TEMPLATE", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY", "CAST", "ACCESS METHOD",
				"FOREIGN DATA WRAPPER", "SERVER", "USER MAPPING", "EVENT TRIGGER", "PUBLICATION", "PUBLICATION TABLE",
				"PUBLICATION TABLES IN SCHEMA", "SUBSCRIPTION", "BLOB")) {
			scopes.put(kind, kind);
		}
		return Map.copyOf(scopes);
	}

	private static String key(String scope, String schema, String tag) {
		return scope + '\u0000' + schema + '\u0000' + tag;
	}

	/** Whether entries of this type create a named object looked up on the target. */
	public static boolean creates(String kind) {
		return SCOPES.containsKey(kind);
	}

	/**
	 * @param wanted the archive's object (an entry, with a table's columns from the
	 * source's catalog when known, a schema's owner), or the source catalog's
	 * @param ours the run recorded it as created by itself
	 */
	public Decision decide(CatalogObject wanted, boolean ours) {
		String scope = SCOPES.get(wanted.kind());
		CatalogObject found = (scope != null) ? this.onTarget.get(key(scope, wanted.schema(), wanted.tag())) : null;
		if (found == null) {
			return new Decision(Verdict.ABSENT, found, null);
		}
		if ("TYPE".equals(wanted.kind()) && "SHELL TYPE".equals(found.kind())) {
			// CREATE TYPE completes a shell type
			return new Decision(Verdict.ABSENT, found, null);
		}
		// the record names what a restore was about to create, and it may have stopped
		// before some: an object of another kind is someone else's even then
		if (!sameKind(wanted.kind(), found.kind())) {
			return new Decision(Verdict.CLASH, found,
					"the target already has " + found.describe() + " where the source has " + article(wanted.kind()));
		}
		if (ours) {
			return new Decision(Verdict.OURS, found, null);
		}
		if ("TABLE".equals(wanted.kind()) && wanted.detail() != null && found.detail() != null
				&& !sameColumns(wanted.detail(), found.detail())) {
			return new Decision(Verdict.CLASH, found, "the target already has table " + qualified(found)
					+ " with other columns than the source's (" + difference(found.detail(), wanted.detail()) + ")");
		}
		if (Set.of("VIEW", "MATERIALIZED VIEW", "FUNCTION", "PROCEDURE").contains(wanted.kind())
				&& wanted.detail() != null && found.detail() != null && !wanted.detail().equals(found.detail())) {
			return new Decision(Verdict.CLASH, found,
					"the target already has " + found.describe() + " with another definition than the source's");
		}
		if ("SCHEMA".equals(wanted.kind()) && !this.noOwner && wanted.detail() != null
				&& !wanted.detail().equals(found.detail())) {
			return new Decision(Verdict.CLASH, found, "the target already has schema " + found.tag() + " owned by "
					+ found.detail() + " where the source's is owned by " + wanted.detail() + " (or use --no-owner)");
		}
		return new Decision(Verdict.IDENTICAL, found, null);
	}

	/**
	 * The clashes between the target and a source's objects as its catalog lists them,
	 * before any archive exists (a new clone): none of them is the run's yet.
	 * @param considered the source objects the run would create
	 */
	public List<String> clashes(List<CatalogObject> source, java.util.function.Predicate<CatalogObject> considered) {
		List<String> clashes = new java.util.ArrayList<>();
		for (CatalogObject object : source) {
			if (considered.test(object)) {
				Decision decision = decide(object, false);
				if (decision.verdict() == Verdict.CLASH) {
					clashes.add(decision.clash());
				}
			}
		}
		clashes.sort(null);
		return clashes;
	}

	private static boolean sameKind(String wanted, String found) {
		return wanted.equals(found) || ("SHELL TYPE".equals(wanted) && "TYPE".equals(found));
	}

	private static String article(String kind) {
		String lower = kind.toLowerCase(Locale.ROOT);
		return ("aeiou".indexOf(lower.charAt(0)) >= 0 ? "an " : "a ") + lower;
	}

	private static String qualified(CatalogObject object) {
		return ((object.schema() != null) ? object.schema() + "." : "") + object.tag();
	}

	/**
	 * Columns compared as sets of "name type", types without their schema: the source's
	 * plan and the target's catalog may be read with different search paths.
	 */
	static boolean sameColumns(String a, String b) {
		return columns(a).equals(columns(b));
	}

	private static Set<String> columns(String lines) {
		return Arrays.stream(lines.split("\n"))
			.map(String::strip)
			.filter((line) -> !line.isEmpty())
			.map(TargetPresence::unqualifiedType)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/** "col public.mood[]" becomes "col mood[]"; the column name is kept as is. */
	private static String unqualifiedType(String line) {
		int space = line.startsWith("\"") ? line.indexOf("\" ", 1) + 1 : line.indexOf(' ');
		if (space <= 0) {
			return line;
		}
		String type = line.substring(space + 1);
		int dot = type.lastIndexOf('.', type.indexOf('(') < 0 ? type.length() : type.indexOf('('));
		return line.substring(0, space) + " " + ((dot >= 0 && !type.startsWith("\"")) ? type.substring(dot + 1) : type);
	}

	private static String difference(String target, String source) {
		Set<String> onlyTarget = columns(target);
		onlyTarget.removeAll(columns(source));
		Set<String> onlySource = columns(source);
		onlySource.removeAll(columns(target));
		return "target only: " + (onlyTarget.isEmpty() ? "-" : String.join(", ", onlyTarget)) + "; source only: "
				+ (onlySource.isEmpty() ? "-" : String.join(", ", onlySource));
	}

	/** What the target has of one object. */
	public enum Verdict {

		ABSENT, OURS, IDENTICAL, CLASH

	}

	/**
	 * @param found the target's object of that identity, null when absent
	 * @param clash what clashes, without the remedy, for a {@link Verdict#CLASH}
	 */
	public record Decision(Verdict verdict, CatalogObject found, String clash) {

		/** The target has it: leave the entry out. */
		public boolean present() {
			return this.verdict == Verdict.OURS || this.verdict == Verdict.IDENTICAL;
		}

	}

}
