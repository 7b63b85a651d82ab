package io.pgcopydb.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.assertj.core.api.SoftAssertions;

/**
 * Checks a clone the way a user would: same schema as pg_dump prints it, same rows in
 * every table, same sequence positions, same large objects. It reads both databases
 * independently of the code under test.
 * <p>
 * Schema dumps are normalized only where pg_dump is noisy by design: comment lines
 * ({@code --}, which carry the server version and TOC ids), blank lines, and the
 * <code>&#92;restrict</code> and <code>&#92;unrestrict</code> lines that pg_dump 15.14+
 * prints around a dump with a random key (CVE-2025-8714). Owners, privileges and
 * {@code SET} lines are kept: a clone must reproduce them.
 * <p>
 * Row checksums are taken over each row's text form in a session with fixed
 * {@code TimeZone}, {@code DateStyle}, {@code IntervalStyle}, {@code extra_float_digits}
 * and {@code bytea_output}, so two servers with different defaults still agree on equal
 * data; rows are hashed in a fixed order, so physical order does not matter. Extension
 * member relations are left out, as pg_dump leaves them to CREATE EXTENSION.
 */
public final class DatabaseComparison {

	private static final String USER_RELATIONS = """
			SELECT n.nspname, c.relname, c.relkind, c.relispopulated,
			       quote_ident(n.nspname) || '.' || quote_ident(c.relname)
			  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			 WHERE c.relkind::text = ANY (?)
			   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
			   AND n.nspname !~ '^pg_(toast|temp_)'
			   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
			                      AND d.objid = c.oid AND d.deptype = 'e')
			 ORDER BY 1, 2""";

	private DatabaseComparison() {
	}

	/**
	 * {@code pg_dump --schema-only} of a database, normalized as the class comment says.
	 */
	public static List<String> schemaDump(PgServer server, String db) {
		String dump = ChildProcess
			.run(List.of(server.tool("pg_dump"), "--schema-only", "-h", server.host(), "-p",
					Integer.toString(server.port()), "-U", server.superuser(), "-d", db), server.clientEnvironment(),
					Duration.ofMinutes(2))
			.orThrow()
			.stdout();
		return dump.lines()
			.filter((line) -> !line.isBlank())
			.filter((line) -> !line.startsWith("--"))
			.filter((line) -> !line.startsWith("\\restrict ") && !line.startsWith("\\unrestrict "))
			.toList();
	}

	/**
	 * "schema.table" to "rows:md5" for every table holding rows (plain tables and
	 * partitions, not partitioned parents) and every materialized view ("not populated"
	 * when it was never refreshed).
	 */
	public static SortedMap<String, String> tableChecksums(Connection conn) throws SQLException {
		fixOutputFormats(conn);
		SortedMap<String, String> checksums = new TreeMap<>();
		for (Relation relation : relations(conn, "r", "m")) {
			if (!relation.populated()) {
				checksums.put(relation.name(), "not populated");
				continue;
			}
			checksums.put(relation.name(),
					queryOneRow(conn,
							"SELECT count(*) || ':' || "
									+ "md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM "
									+ relation.qualified() + " t"));
		}
		return checksums;
	}

	/**
	 * "schema.sequence" to "last_value/is_called", identity and serial sequences
	 * included.
	 */
	public static SortedMap<String, String> sequenceValues(Connection conn) throws SQLException {
		SortedMap<String, String> values = new TreeMap<>();
		for (Relation relation : relations(conn, "S")) {
			values.put(relation.name(),
					queryOneRow(conn, "SELECT last_value || '/' || is_called FROM " + relation.qualified()));
		}
		return values;
	}

	/**
	 * What pg_dump leaves out of a database without --create: its settings and those of
	 * roles in it ("setting role/name" to value), its comment, and its privileges, as one
	 * sorted map. Read independently of the code under test.
	 */
	public static SortedMap<String, String> databaseProperties(Connection conn) throws SQLException {
		SortedMap<String, String> properties = new TreeMap<>();
		try (Statement statement = conn.createStatement()) {
			try (ResultSet rs = statement.executeQuery("""
					SELECT coalesce(r.rolname, '(database)') || '/' || split_part(s, '=', 1),
					       substr(s, strpos(s, '=') + 1)
					  FROM pg_db_role_setting rs JOIN pg_database d ON d.oid = rs.setdatabase
					  LEFT JOIN pg_roles r ON r.oid = rs.setrole, unnest(rs.setconfig) s
					 WHERE d.datname = current_database()""")) {
				while (rs.next()) {
					properties.put("setting " + rs.getString(1), rs.getString(2));
				}
			}
			try (ResultSet rs = statement.executeQuery("""
					SELECT coalesce(shobj_description(d.oid, 'pg_database'), '(none)'),
					       coalesce((SELECT string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC'
					                                        ELSE pg_get_userbyid(a.grantee) END
					                                   || ':' || a.privilege_type || (CASE WHEN a.is_grantable
					                                   THEN '*' ELSE '' END), ', ' ORDER BY 1)
					                   FROM aclexplode(d.datacl) a WHERE a.grantee <> d.datdba), '(default)')
					  FROM pg_database d WHERE d.datname = current_database()""")) {
				rs.next();
				properties.put("comment", rs.getString(1));
				properties.put("privileges", rs.getString(2));
			}
		}
		return properties;
	}

	/** Large object oid to the md5 of its content. */
	public static SortedMap<Long, String> largeObjects(Connection conn) throws SQLException {
		SortedMap<Long, String> objects = new TreeMap<>();
		try (Statement statement = conn.createStatement();
				ResultSet rs = statement
					.executeQuery("SELECT oid::int8, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid")) {
			while (rs.next()) {
				objects.put(rs.getLong(1), rs.getString(2));
			}
		}
		return objects;
	}

	/**
	 * Asserts that a target database is a faithful copy of a source database, reporting
	 * every kind of difference at once: schema lines only in the source ({@code -}) or
	 * only in the target ({@code +}), and each table, sequence or large object whose
	 * value differs.
	 */
	public static void assertSameDatabase(PgServer source, String sourceDb, PgServer target, String targetDb) {
		Snapshot expected = Snapshot.of(source, sourceDb);
		Snapshot actual = Snapshot.of(target, targetDb);
		String pair = String.format("source %s:%d/%s vs target %s:%d/%s", source.host(), source.port(), sourceDb,
				target.host(), target.port(), targetDb);
		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(lineDiff(expected.schema(), actual.schema()))
			.as("pg_dump --schema-only of %s: lines only in the source (-) or only in the target (+)", pair)
			.isEmpty();
		softly.assertThat(mapDiff(expected.tables(), actual.tables()))
			.as("table rows (count:md5) of %s", pair)
			.isEmpty();
		softly.assertThat(mapDiff(expected.sequences(), actual.sequences()))
			.as("sequences (last_value/is_called) of %s", pair)
			.isEmpty();
		softly.assertThat(mapDiff(expected.largeObjects(), actual.largeObjects()))
			.as("large objects (oid: md5) of %s", pair)
			.isEmpty();
		softly.assertThat(mapDiff(expected.properties(), actual.properties()))
			.as("database properties (settings, comment, privileges) of %s", pair)
			.isEmpty();
		softly.assertAll();
	}

	/**
	 * The lines of one dump missing from the other, as "- line" (source only) and "+
	 * line" (target only), counting repeats; when both hold the same lines in another
	 * order, the first position where they differ.
	 */
	static List<String> lineDiff(List<String> source, List<String> target) {
		Map<String, Integer> balance = new LinkedHashMap<>();
		source.forEach((line) -> balance.merge(line, 1, Integer::sum));
		target.forEach((line) -> balance.merge(line, -1, Integer::sum));
		List<String> diff = new ArrayList<>();
		balance.forEach((line, count) -> {
			for (int i = 0; i < Math.abs(count); i++) {
				diff.add(((count > 0) ? "- " : "+ ") + line);
			}
		});
		if (diff.isEmpty() && !source.equals(target)) {
			for (int i = 0; i < source.size(); i++) {
				if (!source.get(i).equals(target.get(i))) {
					diff.add("same lines in another order; line " + (i + 1) + " is \"" + source.get(i)
							+ "\" in the source and \"" + target.get(i) + "\" in the target");
					break;
				}
			}
		}
		return diff;
	}

	/** One line per key whose value differs or that only one side has. */
	static <K extends Comparable<K>> List<String> mapDiff(Map<K, String> source, Map<K, String> target) {
		TreeSet<K> keys = new TreeSet<>(source.keySet());
		keys.addAll(target.keySet());
		Function<String, String> shown = (value) -> (value != null) ? value : "(absent)";
		List<String> diff = new ArrayList<>();
		for (K key : keys) {
			String expected = source.get(key);
			String actual = target.get(key);
			if (!Objects.equals(expected, actual)) {
				diff.add(key + ": source " + shown.apply(expected) + ", target " + shown.apply(actual));
			}
		}
		return diff;
	}

	private static void fixOutputFormats(Connection conn) throws SQLException {
		try (Statement statement = conn.createStatement()) {
			statement.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres';"
					+ " SET extra_float_digits = 1; SET bytea_output = 'hex'");
		}
	}

	private static List<Relation> relations(Connection conn, String... relkinds) throws SQLException {
		List<Relation> relations = new ArrayList<>();
		try (var statement = conn.prepareStatement(USER_RELATIONS)) {
			statement.setArray(1, conn.createArrayOf("text", relkinds));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					relations
						.add(new Relation(rs.getString(1) + "." + rs.getString(2), rs.getString(5), rs.getBoolean(4)));
				}
			}
		}
		return relations;
	}

	private static String queryOneRow(Connection conn, String sql) throws SQLException {
		try (Statement statement = conn.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
	}

	private record Relation(String name, String qualified, boolean populated) {
	}

	/** Everything compared, read from one database. */
	private record Snapshot(List<String> schema, Map<String, String> tables, Map<String, String> sequences,
			Map<Long, String> largeObjects, Map<String, String> properties) {

		static Snapshot of(PgServer server, String db) {
			List<String> schema = schemaDump(server, db);
			try (Connection conn = server.connect(db)) {
				return new Snapshot(schema, DatabaseComparison.tableChecksums(conn),
						DatabaseComparison.sequenceValues(conn), DatabaseComparison.largeObjects(conn),
						DatabaseComparison.databaseProperties(conn));
			}
			catch (SQLException ex) {
				throw new IllegalStateException(String.format("cannot read database %s on %s:%d for comparison: %s", db,
						server.host(), server.port(), ex.getMessage()), ex);
			}
		}

	}

}
