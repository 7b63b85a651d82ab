package io.pgcopydb.job.clone;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.filter.FilterEntry;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.filter.Section;
import io.pgcopydb.filter.Verdict;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a filtered run plans from the catalog step's {@link FilterPlan}, and that the plan
 * reads back from the repository as it was decided, so that every later command and a
 * resume leave out the same objects.
 */
class FilteredCatalogTest {

	private static final FilterEntry AUDIT = new FilterEntry(Section.EXCLUDE_TABLE, 3, "app.audit_log", "app",
			"audit_log", null);

	private static final FilterEntry LOGS = new FilterEntry(Section.EXCLUDE_TABLE_DATA, 7, "~/^app\\.big/", null, null,
			Pattern.compile("^app\\.big"));

	private static final GraphObject AUDIT_TABLE = object(rel(10), GraphObject.TABLE, "audit_log", null);

	private static final GraphObject AUDIT_INDEX = object(rel(11), GraphObject.INDEX, "audit_log_at", rel(10));

	private static final GraphObject AUDIT_VIEW = object(rel(12), GraphObject.VIEW, "recent_audit", null);

	private static final GraphObject AUDIT_SEQ = object(rel(13), GraphObject.SEQUENCE, "audit_log_id_seq", null);

	private static final GraphObject FK = new GraphObject(new ObjectId(ObjectId.PG_CONSTRAINT, 40),
			GraphObject.FOREIGN_KEY, "app", "orders_big_fk", rel(20), null, rel(30),
			"FOREIGN KEY (big_id) REFERENCES app.big(id)", false, "constraint orders_big_fk on table app.orders");

	private static final FilterPlan PLAN = new FilterPlan(
			Map.of(rel(10),
					new FilterPlan.Skip(AUDIT_TABLE, new Verdict(Section.EXCLUDE_TABLE, AUDIT, null), null,
							AUDIT.describe()),
					rel(11), new FilterPlan.Skip(AUDIT_INDEX, null, rel(10), "index of table app.audit_log"), rel(12),
					new FilterPlan.Skip(AUDIT_VIEW, null, rel(10), "reads table app.audit_log")),
			Map.of(rel(30), new Verdict(Section.EXCLUDE_TABLE_DATA, LOGS, null)), Map.of(FK.id(), FK),
			Map.of(AUDIT_SEQ.id(), AUDIT_SEQ), List.of(),
			List.of("sequence app.audit_log_id_seq is kept without OWNED BY"));

	@Test
	void leftOutTablesIndexesAndSequencesAreNotPlannedAndDataSkippedTablesAreNotCopied() {
		FilteredCatalog kept = FilteredCatalog.of(PLAN,
				List.of(table(10, "audit_log"), table(20, "orders"), table(30, "big")),
				List.of(index(11, 10, 0), index(21, 20, 0), index(31, 30, 50)),
				List.of(new SourceSequence(13, "app", "audit_log_id_seq", "app.audit_log", "id"),
						new SourceSequence(23, "app", "orders_id_seq", "app.orders", "id")));
		assertThat(kept.tables()).extracting(SourceTable::name).containsExactly("orders", "big");
		assertThat(kept.copied()).extracting(SourceTable::name).containsExactly("orders");
		assertThat(kept.indexes()).extracting(SourceIndex::oid).containsExactly(21L, 31L);
		assertThat(kept.sequences()).extracting(SourceSequence::owned).containsExactly(false, true);
	}

	@Test
	void anIndexWhoseConstraintIsLeftOutIsNotBuilt() {
		FilterPlan plan = new FilterPlan(
				Map.of(new ObjectId(ObjectId.PG_CONSTRAINT, 50),
						new FilterPlan.Skip(FK, null, rel(10), "foreign key into table app.audit_log")),
				Map.of(), Map.of(), Map.of(), List.of(), List.of());
		assertThat(FilteredCatalog.of(plan, List.of(), List.of(index(31, 30, 50)), List.of()).indexes()).isEmpty();
	}

	@Test
	void theSummarySaysWhatIsLeftOutByKind() {
		assertThat(FilteredCatalog.summary(PLAN)).isEqualTo(
				"3 objects (1 index, 1 table, 1 view); rows of 1 table stay behind; 1 foreign key created NOT VALID");
		assertThat(FilteredCatalog.summary(FilterPlan.NONE)).isEmpty();
		GraphObject rowType = new GraphObject(new ObjectId(1247, 14), "type", "app", "audit_log", null, rel(10), null,
				null, false, "type app.audit_log");
		Map<ObjectId, FilterPlan.Skip> withPart = new java.util.HashMap<>(PLAN.skipped());
		withPart.put(rowType.id(), new FilterPlan.Skip(rowType, null, rel(10), "row type of table app.audit_log"));
		assertThat(
				FilteredCatalog.summary(new FilterPlan(withPart, Map.of(), Map.of(), Map.of(), List.of(), List.of())))
			.as("a part leaves with its whole, uncounted")
			.isEqualTo("3 objects (1 index, 1 table, 1 view)");
		assertThat(FilteredCatalog.count(2, "policy")).isEqualTo("2 policies");
		assertThat(FilteredCatalog.count(2, "statistics")).isEqualTo("2 statistics");
	}

	@Test
	void theFilterPlanReadsBackAsSaved(@TempDir Path dir) throws Exception {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(
				"jdbc:sqlite:" + dir.resolve("pgcopydb.db"), true);
		try {
			new ResourceDatabasePopulator(new ClassPathResource("repository/plan-schema.sql")).execute(dataSource);
			ClonePlan plan = new ClonePlan(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource));
			GraphObject big = object(rel(30), GraphObject.TABLE, "big", null);
			plan.save(7, List.of(table(20, "orders"), table(30, "big")), List.of(), List.of(), PLAN,
					Map.of(big.id(), big));
			plan.save(8, List.of(table(20, "orders")), List.of(), List.of());

			FilterPlan read = plan.filterPlan(7);
			assertThat(read.skipped()).isEqualTo(PLAN.skipped());
			assertThat(read.dataSkipped()).containsOnlyKeys(rel(30));
			Verdict data = read.dataSkipped().get(rel(30));
			assertThat(data.describe()).isEqualTo(LOGS.describe());
			assertThat(data.entry().regex().pattern()).isEqualTo("^app\\.big");
			assertThat(read.notValidForeignKeys()).isEqualTo(PLAN.notValidForeignKeys());
			assertThat(read.unownedSequences()).isEqualTo(PLAN.unownedSequences());
			assertThat(read.warnings()).isEqualTo(PLAN.warnings());
			assertThat(plan.copiedTables(7)).extracting(SourceTable::name).containsExactly("orders");
			assertThat(plan.tables(7)).extracting(SourceTable::name).containsExactly("orders", "big");
			assertThat(plan.filterPlan(8)).isSameAs(FilterPlan.NONE);
			assertThat(plan.copiedTables(8)).extracting(SourceTable::name).containsExactly("orders");
		}
		finally {
			dataSource.destroy();
		}
	}

	private static ObjectId rel(long oid) {
		return new ObjectId(ObjectId.PG_CLASS, oid);
	}

	private static GraphObject object(ObjectId id, String kind, String name, ObjectId table) {
		return new GraphObject(id, kind, "app", name, table, null, null, null, false, kind + " app." + name);
	}

	private static SourceTable table(long oid, String name) {
		return new SourceTable(oid, "app", name, "id", "id integer", true, 8192, List.of(), null, List.of());
	}

	private static SourceIndex index(long oid, long table, long constraint) {
		return new SourceIndex(oid, table, "app", "t" + table, "i" + oid, "CREATE INDEX ...", constraint,
				(constraint != 0) ? "c" + constraint : null, (constraint != 0) ? "u" : null, null, false, false, false,
				false, null, null, "btree", 8192);
	}

}
