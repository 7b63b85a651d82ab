package io.pgcopydb.job.clone;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.filter.FilterEntry;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.filter.Section;
import io.pgcopydb.filter.Verdict;

/**
 * A run's {@link FilterPlan} in the repository (table PGCOPYDB_PLAN_FILTER, one row per
 * item): written once by the catalog step, inside the transaction that writes the rest of
 * the plan, and read back by every later step and command of the run, a resumed one
 * included, so that all of them leave out exactly what the catalog step decided in the
 * run's snapshot. A run without filters has no row, and reads back
 * {@link FilterPlan#NONE}.
 */
class FilterPlanRecord {

	static final String SKIPPED = "skipped";

	static final String DATA = "data";

	static final String NOT_VALID = "not-valid";

	static final String UNOWNED = "unowned";

	static final String UNMATCHED = "unmatched";

	static final String WARNING = "warning";

	private static final String INSERT = "INSERT INTO PGCOPYDB_PLAN_FILTER (JOB_INSTANCE_ID, ORDINAL, ROLE, "
			+ "CLASS_OID, OBJECT_OID, KIND, SCHEMA_NAME, OBJECT_NAME, TABLE_CLASS_OID, TABLE_OID, PART_OF_CLASS_OID, "
			+ "PART_OF_OID, REFERENCES_CLASS_OID, REFERENCES_OID, DEFINITION, IS_EXTENSION_MEMBER, DESCRIPTION, "
			+ "CAUSE_CLASS_OID, CAUSE_OID, REASON, VERDICT, VERDICT_SECTION, VERDICT_OPTION, ENTRY_LINE, ENTRY_TEXT, "
			+ "ENTRY_SCHEMA, ENTRY_NAME, ENTRY_REGEX, ENTRY_REGEX_FLAGS) "
			+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	private final JdbcTemplate jdbc;

	FilterPlanRecord(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Replaces the instance's record; the caller holds the transaction.
	 * @param objects the source's objects by id, to name the data-skipped tables
	 */
	void save(long instance, FilterPlan plan, Map<ObjectId, GraphObject> objects) {
		this.jdbc.update("DELETE FROM PGCOPYDB_PLAN_FILTER WHERE JOB_INSTANCE_ID = ?", instance);
		List<Object[]> rows = new ArrayList<>();
		for (FilterPlan.Skip skip : plan.skipped().values()) {
			rows.add(row(instance, rows.size(), SKIPPED, skip.object(), skip.cause(), skip.reason(), skip.verdict(),
					null));
		}
		plan.dataSkipped().forEach((id, verdict) -> {
			GraphObject table = objects.getOrDefault(id, bare(id));
			rows.add(row(instance, rows.size(), DATA, table, null, null, verdict, null));
		});
		plan.notValidForeignKeys()
			.values()
			.forEach((key) -> rows.add(row(instance, rows.size(), NOT_VALID, key, null, null, null, null)));
		plan.unownedSequences()
			.values()
			.forEach((sequence) -> rows.add(row(instance, rows.size(), UNOWNED, sequence, null, null, null, null)));
		plan.unmatched()
			.forEach((entry) -> rows.add(row(instance, rows.size(), UNMATCHED, null, null, null, null, entry)));
		plan.warnings()
			.forEach((warning) -> rows.add(row(instance, rows.size(), WARNING, null, null, warning, null, null)));
		this.jdbc.batchUpdate(INSERT, rows);
	}

	/** The instance's plan as saved; {@link FilterPlan#NONE} when nothing is recorded. */
	FilterPlan read(long instance) {
		Map<ObjectId, FilterPlan.Skip> skipped = new LinkedHashMap<>();
		Map<ObjectId, Verdict> dataSkipped = new LinkedHashMap<>();
		Map<ObjectId, GraphObject> notValid = new LinkedHashMap<>();
		Map<ObjectId, GraphObject> unowned = new LinkedHashMap<>();
		List<FilterEntry> unmatched = new ArrayList<>();
		List<String> warnings = new ArrayList<>();
		this.jdbc.query("SELECT * FROM PGCOPYDB_PLAN_FILTER WHERE JOB_INSTANCE_ID = ? ORDER BY ORDINAL", (rs) -> {
			String role = rs.getString("ROLE");
			switch (role) {
				case SKIPPED -> {
					GraphObject object = object(rs);
					skipped.put(object.id(), new FilterPlan.Skip(object, verdict(rs),
							id(rs, "CAUSE_CLASS_OID", "CAUSE_OID"), rs.getString("REASON")));
				}
				case DATA -> dataSkipped.put(object(rs).id(), verdict(rs));
				case NOT_VALID -> notValid.put(object(rs).id(), object(rs));
				case UNOWNED -> unowned.put(object(rs).id(), object(rs));
				case UNMATCHED -> unmatched.add(entry(rs));
				case WARNING -> warnings.add(rs.getString("REASON"));
				default -> throw new IllegalStateException("unknown filter plan role " + role + " in job instance "
						+ instance + ": the --dir was written by a newer pgcopydb");
			}
		}, instance);
		if (skipped.isEmpty() && dataSkipped.isEmpty() && notValid.isEmpty() && unowned.isEmpty() && unmatched.isEmpty()
				&& warnings.isEmpty()) {
			return FilterPlan.NONE;
		}
		return new FilterPlan(skipped, dataSkipped, notValid, unowned, unmatched, warnings);
	}

	/** The OIDs of the tables whose rows stay behind. */
	Set<Long> dataSkippedTables(long instance) {
		return new HashSet<>(this.jdbc.queryForList(
				"SELECT OBJECT_OID FROM PGCOPYDB_PLAN_FILTER WHERE JOB_INSTANCE_ID = ? AND ROLE = ?", Long.class,
				instance, DATA));
	}

	private static Object[] row(long instance, int ordinal, String role, GraphObject object, ObjectId cause,
			String reason, Verdict verdict, FilterEntry entry) {
		FilterEntry named = (entry != null) ? entry : (verdict != null) ? verdict.entry() : null;
		Section section = (verdict != null) ? verdict.section() : (named != null) ? named.section() : null;
		Pattern regex = (named != null) ? named.regex() : null;
		return new Object[] { instance, ordinal, role, (object != null) ? object.id().classOid() : null,
				(object != null) ? object.id().objectOid() : null, (object != null) ? object.kind() : null,
				(object != null) ? object.schema() : null, (object != null) ? object.name() : null,
				classOid((object != null) ? object.table() : null), objectOid((object != null) ? object.table() : null),
				classOid((object != null) ? object.partOf() : null),
				objectOid((object != null) ? object.partOf() : null),
				classOid((object != null) ? object.references() : null),
				objectOid((object != null) ? object.references() : null), (object != null) ? object.definition() : null,
				(object != null) ? (object.extensionMember() ? 1 : 0) : null,
				(object != null) ? object.description() : null, classOid(cause), objectOid(cause), reason,
				(verdict != null) ? verdict.describe() : null, (section != null) ? section.title() : null,
				(verdict != null) ? verdict.option() : null, (named != null) ? named.line() : null,
				(named != null) ? named.text() : null, (named != null) ? named.schema() : null,
				(named != null) ? named.name() : null, (regex != null) ? regex.pattern() : null,
				(regex != null) ? regex.flags() : null };
	}

	private static GraphObject object(ResultSet rs) throws SQLException {
		return new GraphObject(id(rs, "CLASS_OID", "OBJECT_OID"), rs.getString("KIND"), rs.getString("SCHEMA_NAME"),
				rs.getString("OBJECT_NAME"), id(rs, "TABLE_CLASS_OID", "TABLE_OID"),
				id(rs, "PART_OF_CLASS_OID", "PART_OF_OID"), id(rs, "REFERENCES_CLASS_OID", "REFERENCES_OID"),
				rs.getString("DEFINITION"), rs.getInt("IS_EXTENSION_MEMBER") != 0, rs.getString("DESCRIPTION"));
	}

	/** The verdict of the row; null when the row has none (a dependency's skip). */
	private static Verdict verdict(ResultSet rs) throws SQLException {
		String title = rs.getString("VERDICT_SECTION");
		String option = rs.getString("VERDICT_OPTION");
		if (title == null && option == null) {
			return null;
		}
		Section section = (title != null) ? Section.byTitle(title).orElse(null) : null;
		FilterEntry entry = (rs.getString("ENTRY_TEXT") != null) ? entry(rs) : null;
		return new Verdict(section, entry, option);
	}

	private static FilterEntry entry(ResultSet rs) throws SQLException {
		String regex = rs.getString("ENTRY_REGEX");
		return new FilterEntry(Section.byTitle(rs.getString("VERDICT_SECTION")).orElse(null), rs.getInt("ENTRY_LINE"),
				rs.getString("ENTRY_TEXT"), rs.getString("ENTRY_SCHEMA"), rs.getString("ENTRY_NAME"),
				(regex != null) ? Pattern.compile(regex, rs.getInt("ENTRY_REGEX_FLAGS")) : null);
	}

	private static ObjectId id(ResultSet rs, String classColumn, String objectColumn) throws SQLException {
		long classOid = rs.getLong(classColumn);
		if (rs.wasNull()) {
			return null;
		}
		return new ObjectId(classOid, rs.getLong(objectColumn));
	}

	private static GraphObject bare(ObjectId id) {
		return new GraphObject(id, GraphObject.TABLE, null, null, null, null, null, null, false, id.toString());
	}

	private static Long classOid(ObjectId id) {
		return (id != null) ? id.classOid() : null;
	}

	private static Long objectOid(ObjectId id) {
		return (id != null) ? id.objectOid() : null;
	}

}
