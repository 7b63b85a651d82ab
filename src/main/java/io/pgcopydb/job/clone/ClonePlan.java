package io.pgcopydb.job.clone;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.pgcopydb.catalog.SourceForeignKey;
import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.copy.CopyTarget;
import io.pgcopydb.copy.TableSlice;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.job.partition.PartitionKey;

/**
 * The work plan of one clone job instance, stored in the repository next to the
 * JobRepository tables. The catalog step writes the source's tables, indexes and
 * sequences once; the planTargets step writes where each table's rows land on the target
 * ({@link CopyTarget}) once, when the run first copies data. Partitioners and tasklets
 * read both, also after a restart, so a resumed run works on exactly the same tables and
 * empties exactly the same copy units. With --filters, the catalog step stores only what
 * the filters keep, and what they leave out beside it ({@link FilterPlanRecord}): the
 * tables whose rows stay behind are planned (created, indexed) but not copied
 * ({@link #copiedTables}).
 */
class ClonePlan {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final FilterPlanRecord filterRecord;

	/** Each run's Citus plan, parsed once: every copy partition asks for it. */
	private final Map<Long, CitusPlan> citus = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * A Citus source's layout, and whether the run gives the target its distribution (not
	 * --skip-citus-distribution on the run's first command).
	 */
	record CitusPlan(CitusLayout layout, boolean distribute, Set<Long> tableOids) {

		static final CitusPlan NONE = new CitusPlan(CitusLayout.NONE, false);

		CitusPlan(CitusLayout layout, boolean distribute) {
			this(layout, distribute,
					layout.tables().stream().map(CitusLayout.CitusTable::oid).collect(Collectors.toUnmodifiableSet()));
		}

		/**
		 * Whether the source's table of this OID is a Citus table. Its rows are read with
		 * COPY (SELECT ...): a COPY of the table itself fetches the shards over new
		 * connections, outside the run's snapshot, where a query reads the coordinator's
		 * own shards in its session.
		 */
		boolean readsThroughQuery(long tableOid) {
			return this.tableOids.contains(tableOid);
		}

		/** Whether the source's table of this OID is a Citus table on the target too. */
		boolean distributed(long tableOid) {
			return this.distribute && readsThroughQuery(tableOid);
		}

	}

	ClonePlan(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.transaction = new TransactionTemplate(transactionManager);
		this.filterRecord = new FilterPlanRecord(jdbc);
	}

	void save(long instance, List<SourceTable> tables, List<SourceIndex> indexes, List<SourceSequence> sequences) {
		save(instance, tables, indexes, sequences, FilterPlan.NONE, Map.of());
	}

	/**
	 * Stores the plan of the objects the filters keep, and the filters' plan beside it,
	 * in one transaction, replacing what an earlier attempt wrote.
	 * @param objects the source's objects by id (the filter plan names its data-skipped
	 * tables from them)
	 */
	void save(long instance, List<SourceTable> tables, List<SourceIndex> indexes, List<SourceSequence> sequences,
			FilterPlan filterPlan, Map<ObjectId, GraphObject> objects) {
		this.transaction.executeWithoutResult((status) -> {
			this.filterRecord.save(instance, filterPlan, objects);
			for (String table : List.of("PGCOPYDB_PLAN_TABLE", "PGCOPYDB_PLAN_INDEX", "PGCOPYDB_PLAN_SEQUENCE")) {
				this.jdbc.update("DELETE FROM " + table + " WHERE JOB_INSTANCE_ID = ?", instance);
			}
			int[] ordinal = { 0 };
			this.jdbc.batchUpdate(
					"INSERT INTO PGCOPYDB_PLAN_TABLE (JOB_INSTANCE_ID, TABLE_OID, ORDINAL, SCHEMA_NAME, "
							+ "TABLE_NAME, COLUMN_LIST, COLUMN_TYPES, BUILTIN_TYPES, TABLE_BYTES, PARTITION_ANCESTORS, "
							+ "PARTITION_BOUND, INDEX_NAMES) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					tables.stream()
						.map((t) -> new Object[] { instance, t.oid(), ordinal[0]++, t.schema(), t.name(),
								t.columnList(), t.columnTypes(), flag(t.builtinTypes()), t.bytes(),
								String.join("\n", t.partitionAncestors()), t.partitionBound(),
								String.join("\n", t.indexNames()) })
						.toList());
			this.jdbc
				.batchUpdate("INSERT INTO PGCOPYDB_PLAN_INDEX (JOB_INSTANCE_ID, INDEX_OID, TABLE_OID, SCHEMA_NAME, "
						+ "TABLE_NAME, INDEX_NAME, INDEX_DEFINITION, CONSTRAINT_OID, CONSTRAINT_NAME, CONSTRAINT_TYPE, "
						+ "CONSTRAINT_DEFINITION, IS_DEFERRABLE, IS_DEFERRED, IS_CLUSTERED, IS_REPLICA_IDENTITY, "
						+ "TABLESPACE_NAME, COLUMN_STATISTICS, ACCESS_METHOD, INDEX_BYTES) "
						+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
						indexes.stream()
							.map((i) -> new Object[] { instance, i.oid(), i.tableOid(), i.schema(), i.tableName(),
									i.name(), i.definition(), i.constraintOid(), i.constraintName(), i.constraintType(),
									i.constraintDefinition(), flag(i.deferrable()), flag(i.deferred()),
									flag(i.clustered()), flag(i.replicaIdentity()), i.tablespace(),
									i.columnStatistics(), i.accessMethod(), i.bytes() })
							.toList());
			this.jdbc.batchUpdate(
					"INSERT INTO PGCOPYDB_PLAN_SEQUENCE (JOB_INSTANCE_ID, SEQUENCE_OID, SCHEMA_NAME, "
							+ "SEQUENCE_NAME, OWNER_TABLE, OWNER_COLUMN) VALUES (?, ?, ?, ?, ?, ?)",
					sequences.stream()
						.map((s) -> new Object[] { instance, s.oid(), s.schema(), s.name(), s.ownerTable(),
								s.ownerColumn() })
						.toList());
		});
	}

	/**
	 * Records the slices of the tables copied as several (same-table concurrency), each
	 * table in generation 1, and the bundles of small tables copied together (table OID
	 * to bundle number), replacing what an earlier attempt wrote.
	 */
	void saveSlicesAndBundles(long instance, List<TableSlice> slices, Map<Long, Integer> bundles) {
		this.transaction.executeWithoutResult((status) -> {
			for (String table : List.of("PGCOPYDB_PLAN_SLICE", "PGCOPYDB_PLAN_SLICING", "PGCOPYDB_SLICE_COMMIT",
					"PGCOPYDB_PLAN_BUNDLE")) {
				this.jdbc.update("DELETE FROM " + table + " WHERE JOB_INSTANCE_ID = ?", instance);
			}
			this.jdbc.batchUpdate(
					"INSERT INTO PGCOPYDB_PLAN_BUNDLE (JOB_INSTANCE_ID, TABLE_OID, BUNDLE) VALUES (?, ?, ?)",
					bundles.entrySet()
						.stream()
						.map((entry) -> new Object[] { instance, entry.getKey(), entry.getValue() })
						.toList());
			this.jdbc.batchUpdate("INSERT INTO PGCOPYDB_PLAN_SLICE (JOB_INSTANCE_ID, TABLE_OID, SLICE, SLICE_COUNT, "
					+ "KIND, KEY_COLUMN, LOWER_BOUND, UPPER_BOUND, NULL_KEYS) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
					slices.stream()
						.map((s) -> new Object[] { instance, s.tableOid(), s.number(), s.count(), s.kind().name(),
								s.keyColumn(), s.lower(), s.upper(), flag(s.nullKeys()) })
						.toList());
			this.jdbc.batchUpdate(
					"INSERT INTO PGCOPYDB_PLAN_SLICING (JOB_INSTANCE_ID, TABLE_OID, GENERATION) VALUES (?, ?, 1)",
					slices.stream()
						.map(TableSlice::tableOid)
						.distinct()
						.map((oid) -> new Object[] { instance, oid })
						.toList());
		});
	}

	/**
	 * The slices of every split table, by table OID, in slice order; a table copied whole
	 * has none.
	 */
	Map<Long, List<TableSlice>> slices(long instance) {
		Map<Long, List<TableSlice>> slices = new LinkedHashMap<>();
		for (TableSlice slice : this.jdbc.query(
				"SELECT * FROM PGCOPYDB_PLAN_SLICE WHERE JOB_INSTANCE_ID = ? ORDER BY TABLE_OID, SLICE",
				ClonePlan::slice, instance)) {
			slices.computeIfAbsent(slice.tableOid(), (oid) -> new ArrayList<>()).add(slice);
		}
		return slices;
	}

	/** One slice of a split table. */
	TableSlice slice(long instance, long tableOid, int number) {
		return single(
				this.jdbc.query(
						"SELECT * FROM PGCOPYDB_PLAN_SLICE WHERE JOB_INSTANCE_ID = ? AND TABLE_OID = ? AND SLICE = ?",
						ClonePlan::slice, instance, tableOid, number),
				"slice " + number + " of table", instance, tableOid);
	}

	private static TableSlice slice(ResultSet rs, int row) throws SQLException {
		long lower = rs.getLong("LOWER_BOUND");
		Long lowerBound = rs.wasNull() ? null : lower;
		long upper = rs.getLong("UPPER_BOUND");
		Long upperBound = rs.wasNull() ? null : upper;
		return new TableSlice(rs.getLong("TABLE_OID"), rs.getInt("SLICE"), rs.getInt("SLICE_COUNT"),
				TableSlice.Kind.valueOf(rs.getString("KIND")), rs.getString("KEY_COLUMN"), lowerBound, upperBound,
				rs.getInt("NULL_KEYS") != 0);
	}

	/** The current slicing generation of each split table, by table OID. */
	Map<Long, Integer> generations(long instance) {
		Map<Long, Integer> generations = new HashMap<>();
		this.jdbc.query("SELECT TABLE_OID, GENERATION FROM PGCOPYDB_PLAN_SLICING WHERE JOB_INSTANCE_ID = ?", (rs) -> {
			generations.put(rs.getLong(1), rs.getInt(2));
		}, instance);
		return generations;
	}

	/**
	 * Starts the next slicing generation of a split table, reading {@code snapshotId}:
	 * its slices get new partition names, which no execution has completed.
	 * @return the new generation
	 */
	int nextGeneration(long instance, long tableOid, String snapshotId) {
		this.jdbc.update("UPDATE PGCOPYDB_PLAN_SLICING SET GENERATION = GENERATION + 1, SNAPSHOT_ID = ? "
				+ "WHERE JOB_INSTANCE_ID = ? AND TABLE_OID = ?", snapshotId, instance, tableOid);
		return generations(instance).get(tableOid);
	}

	/** The snapshot the current generation of each split table reads, null before any. */
	Map<Long, String> slicingSnapshots(long instance) {
		Map<Long, String> snapshots = new HashMap<>();
		this.jdbc.query("SELECT TABLE_OID, SNAPSHOT_ID FROM PGCOPYDB_PLAN_SLICING WHERE JOB_INSTANCE_ID = ?", (rs) -> {
			snapshots.put(rs.getLong(1), rs.getString(2));
		}, instance);
		return snapshots;
	}

	/** Records the snapshot the current generation of a split table reads. */
	void slicingReads(long instance, long tableOid, String snapshotId) {
		this.jdbc.update("UPDATE PGCOPYDB_PLAN_SLICING SET SNAPSHOT_ID = ? WHERE JOB_INSTANCE_ID = ? AND TABLE_OID = ?",
				snapshotId, instance, tableOid);
	}

	/** Marks a CTID slice about to commit on the target: from now on it may have. */
	void markCommitting(long instance, String sliceStep) {
		this.jdbc.update("INSERT INTO PGCOPYDB_SLICE_COMMIT (JOB_INSTANCE_ID, STEP_NAME) VALUES (?, ?) "
				+ "ON CONFLICT DO NOTHING", instance, sliceStep);
	}

	/** The slices marked as about to commit, by step name. */
	Set<String> committing(long instance) {
		return Set.copyOf(this.jdbc.queryForList(
				"SELECT STEP_NAME FROM PGCOPYDB_SLICE_COMMIT WHERE JOB_INSTANCE_ID = ?", String.class, instance));
	}

	/** Forgets the marks of a table's slices: its rows were all deleted. */
	void clearCommitting(long instance, long tableOid) {
		this.jdbc.update("DELETE FROM PGCOPYDB_SLICE_COMMIT WHERE JOB_INSTANCE_ID = ? AND STEP_NAME LIKE ?", instance,
				CloneSteps.COPY_TABLE + PartitionKey.SEPARATOR + tableOid + ".%");
	}

	/** The bundle of each table copied in a bundle, by table OID. */
	Map<Long, Integer> bundles(long instance) {
		Map<Long, Integer> bundles = new HashMap<>();
		this.jdbc.query("SELECT TABLE_OID, BUNDLE FROM PGCOPYDB_PLAN_BUNDLE WHERE JOB_INSTANCE_ID = ?", (rs) -> {
			bundles.put(rs.getLong(1), rs.getInt(2));
		}, instance);
		return bundles;
	}

	/** The tables of one bundle, in copy order. */
	List<SourceTable> bundle(long instance, int bundle) {
		return this.jdbc.query("SELECT t.* FROM PGCOPYDB_PLAN_TABLE t JOIN PGCOPYDB_PLAN_BUNDLE b ON"
				+ " b.JOB_INSTANCE_ID = t.JOB_INSTANCE_ID AND b.TABLE_OID = t.TABLE_OID WHERE t.JOB_INSTANCE_ID = ?"
				+ " AND b.BUNDLE = ? ORDER BY t.ORDINAL", ClonePlan::table, instance, bundle);
	}

	/**
	 * The partitions that copy each table, by table OID, for every copied table: the
	 * table's own, its bundle's, or its slices of the current generation. A table's rows
	 * are all on the target once every one of them is COMPLETED.
	 */
	Map<Long, List<PartitionKey>> copyPartitions(long instance) {
		Map<Long, List<TableSlice>> slices = slices(instance);
		Map<Long, Integer> generations = generations(instance);
		Map<Long, Integer> bundles = bundles(instance);
		Map<Long, List<PartitionKey>> keys = new LinkedHashMap<>();
		for (SourceTable table : copiedTables(instance)) {
			List<TableSlice> tableSlices = slices.get(table.oid());
			Integer bundle = bundles.get(table.oid());
			if (bundle != null) {
				keys.put(table.oid(), List.of(PartitionKey.bundle(CloneSteps.COPY_TABLE, bundle)));
			}
			else if (tableSlices == null) {
				keys.put(table.oid(), List.of(PartitionKey.object(CloneSteps.COPY_TABLE, table.oid())));
			}
			else {
				int generation = generations.getOrDefault(table.oid(), 1);
				keys.put(table.oid(), tableSlices.stream()
					.map((slice) -> PartitionKey.slice(CloneSteps.COPY_TABLE, table.oid(), generation, slice.number()))
					.toList());
			}
		}
		return keys;
	}

	/** Records where each table's rows land, replacing what an earlier attempt wrote. */
	void saveTargets(long instance, List<CopyTarget> targets) {
		this.transaction.executeWithoutResult((status) -> {
			this.jdbc.update("DELETE FROM PGCOPYDB_PLAN_TARGET WHERE JOB_INSTANCE_ID = ?", instance);
			this.jdbc.batchUpdate(
					"INSERT INTO PGCOPYDB_PLAN_TARGET (JOB_INSTANCE_ID, TABLE_OID, TARGET_RELATION, "
							+ "IS_ROUTED, UNIT_OID, UNIT_RELATION, IS_UNIT_PARTITIONED) VALUES (?, ?, ?, ?, ?, ?, ?)",
					targets.stream()
						.map((t) -> new Object[] { instance, t.tableOid(), t.relation(), flag(t.routed()), t.unitOid(),
								t.unitRelation(), flag(t.unitPartitioned()) })
						.toList());
		});
	}

	/**
	 * Where the rows of each table land, by source table OID; empty when the run has not
	 * resolved it (no data copied yet), and then each table is its own target.
	 */
	Map<Long, CopyTarget> targets(long instance) {
		Map<Long, CopyTarget> targets = new LinkedHashMap<>();
		for (CopyTarget target : this.jdbc.query("SELECT * FROM PGCOPYDB_PLAN_TARGET WHERE JOB_INSTANCE_ID = ?",
				ClonePlan::target, instance)) {
			targets.put(target.tableOid(), target);
		}
		return targets;
	}

	/** Where the rows of one table land: the recorded target, else its namesake. */
	CopyTarget target(long instance, SourceTable table) {
		List<CopyTarget> recorded = this.jdbc.query(
				"SELECT * FROM PGCOPYDB_PLAN_TARGET WHERE JOB_INSTANCE_ID = ? AND TABLE_OID = ?", ClonePlan::target,
				instance, table.oid());
		return recorded.isEmpty() ? CopyTarget.sameTable(table.oid(), table.qualifiedName()) : recorded.get(0);
	}

	/** The targets of a bundle's tables, in one query, by table OID. */
	Map<Long, CopyTarget> bundleTargets(long instance, int bundle) {
		Map<Long, CopyTarget> targets = new HashMap<>();
		this.jdbc.query("SELECT t.* FROM PGCOPYDB_PLAN_TARGET t JOIN PGCOPYDB_PLAN_BUNDLE b ON"
				+ " b.JOB_INSTANCE_ID = t.JOB_INSTANCE_ID AND b.TABLE_OID = t.TABLE_OID WHERE t.JOB_INSTANCE_ID = ?"
				+ " AND b.BUNDLE = ?", (rs) -> {
					CopyTarget target = target(rs, 0);
					targets.put(target.tableOid(), target);
				}, instance, bundle);
		return targets;
	}

	private static CopyTarget target(ResultSet rs, int row) throws SQLException {
		return new CopyTarget(rs.getLong("TABLE_OID"), rs.getString("TARGET_RELATION"), rs.getInt("IS_ROUTED") != 0,
				rs.getLong("UNIT_OID"), rs.getString("UNIT_RELATION"), rs.getInt("IS_UNIT_PARTITIONED") != 0);
	}

	/**
	 * Tables in copy order (largest first): every table the run creates, those whose rows
	 * stay behind included.
	 */
	List<SourceTable> tables(long instance) {
		return this.jdbc.query("SELECT * FROM PGCOPYDB_PLAN_TABLE WHERE JOB_INSTANCE_ID = ? ORDER BY ORDINAL",
				ClonePlan::table, instance);
	}

	/**
	 * The tables whose rows the run copies, in copy order: {@link #tables} but those
	 * [exclude-table-data] leaves behind.
	 */
	List<SourceTable> copiedTables(long instance) {
		return this.jdbc.query("SELECT * FROM PGCOPYDB_PLAN_TABLE t WHERE t.JOB_INSTANCE_ID = ? AND NOT EXISTS "
				+ "(SELECT 1 FROM PGCOPYDB_PLAN_FILTER f WHERE f.JOB_INSTANCE_ID = t.JOB_INSTANCE_ID AND f.ROLE = '"
				+ FilterPlanRecord.DATA + "' AND f.CLASS_OID = " + ObjectId.PG_CLASS
				+ " AND f.OBJECT_OID = t.TABLE_OID) ORDER BY t.ORDINAL", ClonePlan::table, instance);
	}

	/** The OIDs of the planned tables whose rows stay behind ([exclude-table-data]). */
	Set<Long> dataSkippedTables(long instance) {
		return this.filterRecord.dataSkippedTables(instance);
	}

	SourceTable table(long instance, long oid) {
		return single(this.jdbc.query("SELECT * FROM PGCOPYDB_PLAN_TABLE WHERE JOB_INSTANCE_ID = ? AND TABLE_OID = ?",
				ClonePlan::table, instance, oid), "table", instance, oid);
	}

	private static SourceTable table(ResultSet rs, int row) throws SQLException {
		return new SourceTable(rs.getLong("TABLE_OID"), rs.getString("SCHEMA_NAME"), rs.getString("TABLE_NAME"),
				rs.getString("COLUMN_LIST"), rs.getString("COLUMN_TYPES"), rs.getInt("BUILTIN_TYPES") != 0,
				rs.getLong("TABLE_BYTES"), lines(rs.getString("PARTITION_ANCESTORS")), rs.getString("PARTITION_BOUND"),
				lines(rs.getString("INDEX_NAMES")));
	}

	/**
	 * Records the foreign keys of the planned tables, replacing what an earlier attempt
	 * wrote.
	 */
	void saveForeignKeys(long instance, List<SourceForeignKey> keys) {
		this.transaction.executeWithoutResult((status) -> {
			this.jdbc.update("DELETE FROM PGCOPYDB_PLAN_FOREIGN_KEY WHERE JOB_INSTANCE_ID = ?", instance);
			this.jdbc.batchUpdate("INSERT INTO PGCOPYDB_PLAN_FOREIGN_KEY (JOB_INSTANCE_ID, CONSTRAINT_OID, TABLE_OID,"
					+ " SCHEMA_NAME, TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_DEFINITION, IS_VALIDATED, IS_ON_PARTITIONED,"
					+ " IS_INHERITED, TABLE_BYTES) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					keys.stream()
						.map((k) -> new Object[] { instance, k.oid(), k.tableOid(), k.schema(), k.table(), k.name(),
								k.definition(), flag(k.validated()), flag(k.onPartitioned()), flag(k.inherited()),
								k.tableBytes() })
						.toList());
		});
	}

	/** The foreign keys of the planned tables, largest table first. */
	List<SourceForeignKey> foreignKeys(long instance) {
		return this.jdbc.query(
				"SELECT * FROM PGCOPYDB_PLAN_FOREIGN_KEY WHERE JOB_INSTANCE_ID = ? ORDER BY TABLE_BYTES DESC,"
						+ " CONSTRAINT_OID",
				(rs, row) -> new SourceForeignKey(rs.getLong("CONSTRAINT_OID"), rs.getLong("TABLE_OID"),
						rs.getString("SCHEMA_NAME"), rs.getString("TABLE_NAME"), rs.getString("CONSTRAINT_NAME"),
						rs.getString("CONSTRAINT_DEFINITION"), rs.getInt("IS_VALIDATED") != 0,
						rs.getInt("IS_ON_PARTITIONED") != 0, rs.getInt("IS_INHERITED") != 0, rs.getLong("TABLE_BYTES")),
				instance);
	}

	List<SourceIndex> indexes(long instance) {
		return this.jdbc.query("SELECT * FROM PGCOPYDB_PLAN_INDEX WHERE JOB_INSTANCE_ID = ? ORDER BY INDEX_OID",
				ClonePlan::index, instance);
	}

	/**
	 * The partition that builds each index, by index OID: the index's own, or, for an
	 * index of a table copied in a bundle, the bundle's: one partition builds the indexes
	 * of all the bundle's tables, so that a run of many small tables records hundreds of
	 * index partitions, not tens of thousands.
	 */
	Map<Long, PartitionKey> indexPartitions(long instance) {
		Map<Long, Integer> bundles = bundles(instance);
		Map<Long, PartitionKey> keys = new LinkedHashMap<>();
		for (SourceIndex index : indexes(instance)) {
			Integer bundle = bundles.get(index.tableOid());
			keys.put(index.oid(), (bundle != null) ? PartitionKey.bundle(CloneSteps.BUILD_INDEX, bundle)
					: PartitionKey.object(CloneSteps.BUILD_INDEX, index.oid()));
		}
		return keys;
	}

	/** The indexes of the tables of one bundle, table by table in copy order. */
	List<SourceIndex> bundleIndexes(long instance, int bundle) {
		return this.jdbc.query("SELECT i.* FROM PGCOPYDB_PLAN_INDEX i JOIN PGCOPYDB_PLAN_BUNDLE b ON"
				+ " b.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID AND b.TABLE_OID = i.TABLE_OID JOIN PGCOPYDB_PLAN_TABLE t ON"
				+ " t.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID AND t.TABLE_OID = i.TABLE_OID WHERE i.JOB_INSTANCE_ID = ?"
				+ " AND b.BUNDLE = ? ORDER BY t.ORDINAL, i.INDEX_OID", ClonePlan::index, instance, bundle);
	}

	/** The planned indexes of one table. */
	List<SourceIndex> tableIndexes(long instance, long tableOid) {
		return this.jdbc.query(
				"SELECT * FROM PGCOPYDB_PLAN_INDEX WHERE JOB_INSTANCE_ID = ? AND TABLE_OID = ? ORDER BY INDEX_OID",
				ClonePlan::index, instance, tableOid);
	}

	SourceIndex index(long instance, long oid) {
		return single(this.jdbc.query("SELECT * FROM PGCOPYDB_PLAN_INDEX WHERE JOB_INSTANCE_ID = ? AND INDEX_OID = ?",
				ClonePlan::index, instance, oid), "index", instance, oid);
	}

	private static SourceIndex index(ResultSet rs, int row) throws SQLException {
		return new SourceIndex(rs.getLong("INDEX_OID"), rs.getLong("TABLE_OID"), rs.getString("SCHEMA_NAME"),
				rs.getString("TABLE_NAME"), rs.getString("INDEX_NAME"), rs.getString("INDEX_DEFINITION"),
				rs.getLong("CONSTRAINT_OID"), rs.getString("CONSTRAINT_NAME"), rs.getString("CONSTRAINT_TYPE"),
				rs.getString("CONSTRAINT_DEFINITION"), rs.getInt("IS_DEFERRABLE") != 0, rs.getInt("IS_DEFERRED") != 0,
				rs.getInt("IS_CLUSTERED") != 0, rs.getInt("IS_REPLICA_IDENTITY") != 0, rs.getString("TABLESPACE_NAME"),
				rs.getString("COLUMN_STATISTICS"), rs.getString("ACCESS_METHOD"), rs.getLong("INDEX_BYTES"));
	}

	List<SourceSequence> sequences(long instance) {
		return this.jdbc.query(
				"SELECT * FROM PGCOPYDB_PLAN_SEQUENCE WHERE JOB_INSTANCE_ID = ? ORDER BY SCHEMA_NAME, SEQUENCE_NAME",
				(rs, row) -> new SourceSequence(rs.getLong("SEQUENCE_OID"), rs.getString("SCHEMA_NAME"),
						rs.getString("SEQUENCE_NAME"), rs.getString("OWNER_TABLE"), rs.getString("OWNER_COLUMN")),
				instance);
	}

	/**
	 * Stores a Citus source's layout (nothing for a source without Citus), replacing what
	 * an earlier attempt wrote.
	 */
	void saveCitus(long instance, CitusLayout layout, boolean distribute) {
		this.transaction.executeWithoutResult((status) -> {
			this.jdbc.update("DELETE FROM PGCOPYDB_PLAN_CITUS WHERE JOB_INSTANCE_ID = ?", instance);
			if (layout.present()) {
				this.jdbc.update(
						"INSERT INTO PGCOPYDB_PLAN_CITUS (JOB_INSTANCE_ID, LAYOUT, DISTRIBUTE) VALUES (?, ?, ?)",
						instance, layout.toJson(), flag(distribute));
			}
		});
		this.citus.put(instance, layout.present() ? new CitusPlan(layout, distribute) : CitusPlan.NONE);
	}

	/** The source's Citus layout, {@link CitusLayout#NONE} without Citus. */
	CitusLayout citus(long instance) {
		return citusPlan(instance).layout();
	}

	/** The source's Citus layout and the run's choice for it. */
	CitusPlan citusPlan(long instance) {
		return this.citus.computeIfAbsent(
				instance, (
						id) -> this.jdbc
							.query("SELECT LAYOUT, DISTRIBUTE FROM PGCOPYDB_PLAN_CITUS WHERE JOB_INSTANCE_ID = ?",
									(rs, row) -> new CitusPlan(CitusLayout.fromJson(rs.getString(1)),
											rs.getInt(2) == 1),
									id)
							.stream()
							.findFirst()
							.orElse(CitusPlan.NONE));
	}

	/**
	 * What the run's filters leave out, as the catalog step decided it in the run's
	 * snapshot; {@link io.pgcopydb.filter.FilterPlan#NONE} for a run without filters.
	 */
	FilterPlan filterPlan(long instance) {
		return this.filterRecord.read(instance);
	}

	private static <T> T single(List<T> rows, String kind, long instance, long oid) {
		if (rows.isEmpty()) {
			throw new IllegalStateException(kind + " " + oid + " is not in the plan of job instance " + instance);
		}
		return rows.get(0);
	}

	private static List<String> lines(String value) {
		return (value == null || value.isEmpty()) ? List.of() : List.of(value.split("\n"));
	}

	private static int flag(boolean value) {
		return value ? 1 : 0;
	}

}
