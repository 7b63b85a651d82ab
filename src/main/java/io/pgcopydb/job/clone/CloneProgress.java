package io.pgcopydb.job.clone;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.job.Runs;
import io.pgcopydb.job.partition.PartitionKey;

/**
 * Where the last clone of a --dir stands, read from its repository: what
 * {@code pgcopydb list progress} shows. Short statements on the repository tables and the
 * plan, so it works from a second process while the clone runs.
 */
public class CloneProgress {

	private final JdbcTemplate jdbc;

	private final Runs runs;

	public CloneProgress(JdbcTemplate jdbc, Runs runs) {
		this.jdbc = jdbc;
		this.runs = runs;
	}

	/** The progress of the last clone recorded, or null when none is. */
	public Progress last() {
		Runs.Run last = this.runs.last(CloneSteps.JOB);
		if (last == null) {
			return null;
		}
		long instance = last.instanceId();
		// tables whose rows stay behind ([exclude-table-data]) are not copied
		int tables = count("SELECT count(*) FROM PGCOPYDB_PLAN_TABLE t WHERE t.JOB_INSTANCE_ID = ? AND NOT EXISTS "
				+ "(SELECT 1 FROM PGCOPYDB_PLAN_FILTER f WHERE f.JOB_INSTANCE_ID = t.JOB_INSTANCE_ID "
				+ "AND f.ROLE = '" + FilterPlanRecord.DATA + "' AND f.OBJECT_OID = t.TABLE_OID)", instance);
		int indexes = count("SELECT count(*) FROM PGCOPYDB_PLAN_INDEX WHERE JOB_INSTANCE_ID = ?", instance);
		Copies copies = copies(instance);
		Map<String, String> hosts = new java.util.TreeMap<>();
		List<String> inProgress = inProgress(instance, last.executionId(), hosts);
		LocalDateTime end = (last.end() != null) ? last.end() : LocalDateTime.now();
		Duration elapsed = (last.start() != null) ? Duration.between(last.start(), end) : Duration.ZERO;
		return new Progress(last, elapsed, tables, copies.tablesDone(), inProgress, hosts, copies.rows(), indexes,
				indexesDone(instance), this.runs.runSteps(instance));
	}

	/**
	 * The tables whose copy completed and the rows copied: a table copied whole counts
	 * when its partition completed, a table of a bundle when its bundle did, a split
	 * table when every slice of its current generation did (slices of an abandoned
	 * generation count for nothing).
	 */
	private Copies copies(long instance) {
		Map<Long, Integer> generations = new HashMap<>();
		this.jdbc.query("SELECT TABLE_OID, GENERATION FROM PGCOPYDB_PLAN_SLICING WHERE JOB_INSTANCE_ID = ?", (rs) -> {
			generations.put(rs.getLong(1), rs.getInt(2));
		}, instance);
		Map<Long, Integer> sliceCounts = new HashMap<>();
		this.jdbc.query(
				"SELECT TABLE_OID, count(*) FROM PGCOPYDB_PLAN_SLICE WHERE JOB_INSTANCE_ID = ? " + "GROUP BY TABLE_OID",
				(rs) -> {
					sliceCounts.put(rs.getLong(1), rs.getInt(2));
				}, instance);
		Map<Integer, Integer> bundleSizes = new HashMap<>();
		this.jdbc.query("SELECT BUNDLE, count(*) FROM PGCOPYDB_PLAN_BUNDLE WHERE JOB_INSTANCE_ID = ? GROUP BY BUNDLE",
				(rs) -> {
					bundleSizes.put(rs.getInt(1), rs.getInt(2));
				}, instance);
		Map<Long, Integer> slicesDone = new HashMap<>();
		long[] totals = { 0, 0 };
		this.jdbc.query("SELECT se.STEP_NAME, MAX(se.WRITE_COUNT) FROM BATCH_STEP_EXECUTION se "
				+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = se.JOB_EXECUTION_ID "
				+ "WHERE je.JOB_INSTANCE_ID = ? AND se.STATUS = 'COMPLETED' AND se.STEP_NAME LIKE ? "
				+ "GROUP BY se.STEP_NAME", (rs) -> {
					PartitionKey key = PartitionKey.parse(rs.getString(1));
					if (key.bundle() > 0) {
						totals[0] += bundleSizes.getOrDefault(key.bundle(), 0);
						totals[1] += rs.getLong(2);
					}
					else if (key.slice() == 0) {
						totals[0]++;
						totals[1] += rs.getLong(2);
					}
					else if (key.generation() == generations.getOrDefault(key.objectOid(), 1)) {
						slicesDone.merge(key.objectOid(), 1, Integer::sum);
						totals[1] += rs.getLong(2);
					}
				}, instance, CloneSteps.COPY_TABLE + PartitionKey.SEPARATOR + "%");
		slicesDone.forEach((oid, done) -> {
			if (done.equals(sliceCounts.get(oid))) {
				totals[0]++;
			}
		});
		return new Copies((int) totals[0], totals[1]);
	}

	private record Copies(int tablesDone, long rows) {
	}

	/** The tables whose copy runs now, by name, from the names of their partitions. */
	private List<String> inProgress(long instance, long execution, Map<String, String> hosts) {
		List<String> tables = new ArrayList<>();
		// a distributed run's partitions: the worker host running them
		List<String[]> running = this.jdbc.query(
				"SELECT se.STEP_NAME, r.WORKER_HOST FROM BATCH_STEP_EXECUTION se"
						+ " LEFT JOIN PGCOPYDB_REMOTE_REQUEST r ON r.STEP_EXECUTION_ID = se.STEP_EXECUTION_ID"
						+ " AND r.STATE = 'CLAIMED' WHERE se.JOB_EXECUTION_ID = ? AND se.STATUS = 'STARTED'"
						+ " AND se.STEP_NAME LIKE ?",
				(rs, row) -> new String[] { rs.getString(1), rs.getString(2) }, execution,
				CloneSteps.COPY_TABLE + PartitionKey.SEPARATOR + "%");
		for (String[] partition : running) {
			PartitionKey key = PartitionKey.parse(partition[0]);
			List<String> names = (key.bundle() > 0) ? this.jdbc.queryForList("SELECT t.SCHEMA_NAME || '.' ||"
					+ " t.TABLE_NAME FROM PGCOPYDB_PLAN_TABLE t JOIN PGCOPYDB_PLAN_BUNDLE b ON b.JOB_INSTANCE_ID ="
					+ " t.JOB_INSTANCE_ID AND b.TABLE_OID = t.TABLE_OID WHERE t.JOB_INSTANCE_ID = ? AND b.BUNDLE = ?",
					String.class, instance, key.bundle())
					: this.jdbc.queryForList(
							"SELECT SCHEMA_NAME || '.' || TABLE_NAME FROM PGCOPYDB_PLAN_TABLE"
									+ " WHERE JOB_INSTANCE_ID = ? AND TABLE_OID = ?",
							String.class, instance, key.objectOid());
			tables.addAll(names);
			if (partition[1] != null) {
				// the slices of a split table may run on several hosts
				names.forEach((name) -> hosts.merge(name, partition[1],
						(known, more) -> List.of(known.split(", ")).contains(more) ? known : known + ", " + more));
			}
		}
		return tables.stream().distinct().sorted().toList();
	}

	/** Partitions of {@code workerStep} completed in any execution of the instance. */
	/**
	 * The indexes built: one per completed index partition, the indexes of its tables per
	 * completed bundle partition.
	 */
	private int indexesDone(long instance) {
		Map<Integer, List<Long>> bundleIndexes = new HashMap<>();
		this.jdbc.query("SELECT b.BUNDLE, i.INDEX_OID FROM PGCOPYDB_PLAN_INDEX i JOIN PGCOPYDB_PLAN_BUNDLE b ON"
				+ " b.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID AND b.TABLE_OID = i.TABLE_OID WHERE i.JOB_INSTANCE_ID = ?",
				(rs) -> {
					bundleIndexes.computeIfAbsent(rs.getInt(1), (bundle) -> new ArrayList<>()).add(rs.getLong(2));
				}, instance);
		// a set: a run resumed across the change to bundle partitions may have built an
		// index both ways
		Set<Long> done = new HashSet<>();
		this.jdbc.query("SELECT DISTINCT se.STEP_NAME FROM BATCH_STEP_EXECUTION se "
				+ "JOIN BATCH_JOB_EXECUTION je ON je.JOB_EXECUTION_ID = se.JOB_EXECUTION_ID "
				+ "WHERE je.JOB_INSTANCE_ID = ? AND se.STATUS = 'COMPLETED' AND se.STEP_NAME LIKE '"
				+ CloneSteps.BUILD_INDEX + PartitionKey.SEPARATOR + "%'", (rs) -> {
					PartitionKey key = PartitionKey.parse(rs.getString(1));
					if (key.bundle() > 0) {
						done.addAll(bundleIndexes.getOrDefault(key.bundle(), List.of()));
					}
					else {
						done.add(key.objectOid());
					}
				}, instance);
		// a table's partition that adds its constraints is not an index
		done.retainAll(new HashSet<>(this.jdbc.queryForList(
				"SELECT INDEX_OID FROM PGCOPYDB_PLAN_INDEX WHERE JOB_INSTANCE_ID = ?", Long.class, instance)));
		return done.size();
	}

	private int count(String sql, long instance) {
		Integer count = this.jdbc.queryForObject(sql, Integer.class, instance);
		return (count != null) ? count : 0;
	}

	/** Where the last clone stands. */
	public record Progress(Runs.Run run, Duration elapsed, int tablesTotal, int tablesDone,
			List<String> tablesInProgress, Map<String, String> hostsInProgress, long rows, int indexesTotal,
			int indexesDone, List<Runs.StepRun> steps) {

		/**
		 * A table in progress, with the worker host copying it in a distributed run.
		 */
		public String describeInProgress(String table) {
			String host = this.hostsInProgress.get(table);
			return (host != null) ? table + " on " + host : table;
		}

		/** Tables neither copied nor being copied. */
		public int tablesToDo() {
			return Math.max(0, this.tablesTotal - this.tablesDone - this.tablesInProgress.size());
		}

	}

}
