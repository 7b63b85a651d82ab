package io.pgcopydb.compare;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.catalog.SqlFiles;

/**
 * {@code compare schema}: every object a clone copies, read from the catalogs of both
 * databases ({@code compare_schema.sql}) and matched by kind and qualified name; each
 * object missing on the target, extra there, or with a property that differs is a
 * difference, named by the object and the property.
 * <p>
 * Both sides print under the same settings (search_path pg_catalog, so that every user
 * object is qualified; ISO dates; all float digits; UTC), so a definition differs only
 * when the object does. What each PostgreSQL release prints its own way is normalised:
 * NOT NULL is compared as the columns' nullability, never as the constraints that
 * PostgreSQL 18 adds for it; a collation's locale is read under its 15 and 17 names.
 * Definitions printed by pg_get_*def (views, functions, indexes, constraints, triggers)
 * are compared as printed, so a target of another major release may print some
 * differently.
 */
public final class SchemaCompare {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * What a clone with --skip-citus-distribution leaves out (citus_columnar where the
	 * target cannot create it).
	 */
	private static final java.util.Set<String> CITUS_EXTENSIONS = java.util.Set.of("citus", "citus_columnar");

	/** What the run that made the target left out on purpose, as the clone's options. */
	public record Options(boolean noOwner, boolean noAcl, boolean noComments, boolean skipExtensions,
			boolean skipExtComments, boolean skipCollations, boolean skipDbProperties, boolean skipCitusDistribution) {

		public Options(boolean noOwner, boolean noAcl, boolean noComments, boolean skipExtensions,
				boolean skipExtComments, boolean skipCollations, boolean skipDbProperties) {
			this(noOwner, noAcl, noComments, skipExtensions, skipExtComments, skipCollations, skipDbProperties, false);
		}

	}

	/**
	 * An object as one side's catalog describes it.
	 *
	 * @param kind table, column, index, constraint, function...
	 * @param name quoted and qualified ({@code public.t.id} for a column)
	 * @param properties property name to its text, null when the property is not set
	 */
	public record SchemaObject(String kind, String name, long classOid, long objectOid, long tableOid,
			Map<String, String> properties) {

		String key() {
			return this.kind + " " + this.name;
		}

	}

	/** What differs about one object. */
	public enum Kind {

		MISSING_ON_TARGET, EXTRA_ON_TARGET, DIFFERS;

		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
		}

	}

	/**
	 * One difference.
	 *
	 * @param property the property that differs (null for a missing or extra object)
	 * @param source its value on the source (null: not set)
	 * @param target its value on the target (null: not set)
	 */
	public record Difference(String kind, String object, Kind difference, String property, String source,
			String target) {
	}

	/**
	 * @param objects objects compared (those of the source after the filters)
	 * @param differences in kind and name order
	 */
	public record Report(int objects, List<Difference> differences) {

		public boolean equal() {
			return this.differences.isEmpty();
		}

	}

	private SchemaCompare() {
	}

	/**
	 * Compares the two databases' objects, as {@link #read} gives them; {@code plan} (the
	 * filters' plan, read on the source) leaves out what a filtered run does not copy.
	 */
	public static Report compare(Map<String, SchemaObject> sourceObjects, Map<String, SchemaObject> targetObjects,
			FilterPlan plan) {
		Set<String> skipped = new HashSet<>();
		for (SchemaObject object : sourceObjects.values()) {
			if (skipped(object, plan)) {
				skipped.add(object.key());
			}
		}
		sourceObjects.keySet().removeAll(skipped);
		targetObjects.keySet().removeAll(skipped);
		normaliseFilteredRun(sourceObjects, targetObjects, plan);
		List<Difference> differences = new ArrayList<>();
		Set<String> keys = new TreeSet<>(sourceObjects.keySet());
		keys.addAll(targetObjects.keySet());
		for (String key : keys) {
			SchemaObject onSource = sourceObjects.get(key);
			SchemaObject onTarget = targetObjects.get(key);
			if (onTarget == null) {
				differences
					.add(new Difference(onSource.kind(), onSource.name(), Kind.MISSING_ON_TARGET, null, null, null));
			}
			else if (onSource == null) {
				differences
					.add(new Difference(onTarget.kind(), onTarget.name(), Kind.EXTRA_ON_TARGET, null, null, null));
			}
			else {
				Set<String> properties = new TreeSet<>(onSource.properties().keySet());
				properties.addAll(onTarget.properties().keySet());
				for (String property : properties) {
					String sourceValue = onSource.properties().get(property);
					String targetValue = onTarget.properties().get(property);
					if (!Objects.equals(sourceValue, targetValue)) {
						differences.add(new Difference(onSource.kind(), onSource.name(), Kind.DIFFERS, property,
								sourceValue, targetValue));
					}
				}
			}
		}
		return new Report(sourceObjects.size(), withoutPartsOfWholes(differences));
	}

	/** Kinds of objects named after the relation they belong to ({@code public.t.id}). */
	private static final Set<String> PARTS = Set.of("column", "constraint", "trigger", "rule", "policy");

	/**
	 * The differences without the columns, constraints, triggers, rules and policies of a
	 * relation that is itself missing on the target or extra there: the relation says it.
	 */
	private static List<Difference> withoutPartsOfWholes(List<Difference> differences) {
		Set<String> wholes = new HashSet<>();
		for (Difference difference : differences) {
			if (difference.difference() != Kind.DIFFERS && !PARTS.contains(difference.kind())) {
				wholes.add(difference.difference() + " " + difference.object() + ".");
			}
		}
		if (wholes.isEmpty()) {
			return differences;
		}
		List<Difference> kept = new ArrayList<>();
		for (Difference difference : differences) {
			String object = difference.object();
			boolean part = false;
			if (difference.difference() != Kind.DIFFERS && PARTS.contains(difference.kind())) {
				for (int dot = object.lastIndexOf('.'); dot > 0 && !part; dot = object.lastIndexOf('.', dot - 1)) {
					part = wholes.contains(difference.difference() + " " + object.substring(0, dot + 1));
				}
			}
			if (!part) {
				kept.add(difference);
			}
		}
		return kept;
	}

	/**
	 * Whether a filtered run leaves this source object out (or the table it belongs to).
	 */
	private static boolean skipped(SchemaObject object, FilterPlan plan) {
		return plan.skips(new ObjectId(object.classOid(), object.objectOid()))
				|| (object.tableOid() != 0 && plan.skips(new ObjectId(ObjectId.PG_CLASS, object.tableOid())));
	}

	/**
	 * What a filtered run changes on purpose: a foreign key into a table whose rows stay
	 * behind is created NOT VALID, and a sequence owned by a left-out table is created
	 * without OWNED BY.
	 */
	private static void normaliseFilteredRun(Map<String, SchemaObject> sourceObjects,
			Map<String, SchemaObject> targetObjects, FilterPlan plan) {
		for (SchemaObject object : List.copyOf(sourceObjects.values())) {
			ObjectId id = new ObjectId(object.classOid(), object.objectOid());
			if ("constraint".equals(object.kind()) && plan.notValidForeignKeys().containsKey(id)) {
				for (SchemaObject side : sides(object.key(), sourceObjects, targetObjects)) {
					side.properties().remove("validated");
					side.properties().computeIfPresent("definition", (name, value) -> value.replace(" NOT VALID", ""));
				}
			}
			if ("sequence".equals(object.kind()) && plan.unownedSequences().containsKey(id)) {
				for (SchemaObject side : sides(object.key(), sourceObjects, targetObjects)) {
					side.properties().remove("owned by");
				}
			}
		}
	}

	private static List<SchemaObject> sides(String key, Map<String, SchemaObject> sourceObjects,
			Map<String, SchemaObject> targetObjects) {
		List<SchemaObject> sides = new ArrayList<>(2);
		if (sourceObjects.containsKey(key)) {
			sides.add(sourceObjects.get(key));
		}
		if (targetObjects.containsKey(key)) {
			sides.add(targetObjects.get(key));
		}
		return sides;
	}

	/**
	 * The objects of the database {@code connection} is on, by kind and name, without
	 * what {@code options} leave out. Reads in a transaction of its own, or in the
	 * caller's when one is open.
	 */
	public static Map<String, SchemaObject> read(Connection connection, Options options) throws SQLException {
		boolean own = connection.getAutoCommit();
		if (own) {
			connection.setAutoCommit(false);
		}
		Map<String, SchemaObject> objects = new LinkedHashMap<>();
		try (Statement statement = connection.createStatement()) {
			if (own) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
			}
			statement.execute("SELECT pg_catalog.set_config('search_path', 'pg_catalog', true),"
					+ " pg_catalog.set_config('DateStyle', 'ISO, YMD', true),"
					+ " pg_catalog.set_config('IntervalStyle', 'postgres', true),"
					+ " pg_catalog.set_config('extra_float_digits', '3', true),"
					+ " pg_catalog.set_config('TimeZone', 'UTC', true)");
			int version = connection.getMetaData().getDatabaseMajorVersion();
			String sql = SqlFiles.load("compare_schema")
				.replace("{{attcompression}}",
						(version >= 14) ? "NULLIF(a.attcompression::pg_catalog.text, '')" : "NULL::pg_catalog.text")
				.replace("{{not_cloned_trigger}}", (version >= 13) ? "g.tgparentid = 0" : "true");
			try (ResultSet rs = statement.executeQuery(sql)) {
				while (rs.next()) {
					String kind = rs.getString("kind");
					if (leftOut(kind, options) || (options.skipCitusDistribution() && "extension".equals(kind)
							&& CITUS_EXTENSIONS.contains(rs.getString("object")))) {
						continue;
					}
					Map<String, String> properties = new TreeMap<>();
					JsonNode props = JSON.readTree(rs.getString("props"));
					for (Map.Entry<String, JsonNode> property : props.properties()) {
						JsonNode value = property.getValue();
						if (!value.isNull()) {
							properties.put(property.getKey(), value.asString());
						}
					}
					// a column is its table's (whose owner its privileges name); a clone
					// leaves
					// the target database's owner as it found it
					if (!options.noOwner() && rs.getString("owner") != null && !"column".equals(kind)
							&& !"database".equals(kind)) {
						properties.put("owner", rs.getString("owner"));
					}
					if (!options.noAcl() && rs.getBoolean("has_acl")) {
						properties.put("privileges", Objects.requireNonNullElse(rs.getString("acl"), "(none)"));
					}
					boolean comments = !options.noComments()
							&& !("extension".equals(kind) && options.skipExtComments());
					if (comments && rs.getString("comment") != null) {
						properties.put("comment", rs.getString("comment"));
					}
					SchemaObject object = new SchemaObject(kind, rs.getString("object"), rs.getLong("class_oid"),
							rs.getLong("object_oid"), rs.getLong("table_oid"), properties);
					objects.put(object.key(), object);
				}
			}
		}
		finally {
			if (own) {
				connection.rollback();
				connection.setAutoCommit(true);
			}
		}
		return objects;
	}

	private static boolean leftOut(String kind, Options options) {
		return switch (kind) {
			case "extension" -> options.skipExtensions();
			case "collation" -> options.skipCollations();
			case "database", "database setting" -> options.skipDbProperties();
			default -> false;
		};
	}

}
