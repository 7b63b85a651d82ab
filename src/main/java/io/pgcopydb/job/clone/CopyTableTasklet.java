package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.config.CopyFormat;
import io.pgcopydb.config.SessionPool;
import io.pgcopydb.config.Side;
import io.pgcopydb.copy.CopyException;
import io.pgcopydb.copy.CopyResult;
import io.pgcopydb.copy.CopyTarget;
import io.pgcopydb.copy.TableCopier;
import io.pgcopydb.copy.TableSlice;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.job.partition.PartitionSpec;
import io.pgcopydb.job.partition.StepStatusBoard;
import io.pgcopydb.progress.ProgressTracker;
import io.pgcopydb.progress.RunSummary;
import io.pgcopydb.signal.WorkSession;

/**
 * One copy partition: one table, streamed from the snapshot into the target relation the
 * plan records for it ({@link CopyTarget}). The partition of a unit's leader copies every
 * table of the unit in one transaction; the partition of another table of the unit waits
 * for it and has nothing left to do. A partition completes only after the target
 * committed, so COMPLETED in the JobRepository means the rows are there. A copy whose
 * session died (administrator termination, lost connection) is retried while the snapshot
 * holds ({@link TransientFaults}); the unit's TRUNCATE makes each attempt start from
 * empty relations, so the result is the same.
 */
class CopyTableTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(CopyTableTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final ClonePlan plan;

	private final TableCopier copier;

	private final CopyFormat format;

	private final ProgressTracker progress;

	private final TransientFaults faults;

	private final StepStatusBoard board;

	CopyTableTasklet(CloneRequest request, Sessions sessions, ClonePlan plan, TableCopier copier, CopyFormat format,
			ProgressTracker progress, TransientFaults faults, StepStatusBoard board) {
		this.faults = faults;
		this.board = board;
		this.request = request;
		this.sessions = sessions;
		this.plan = plan;
		this.copier = copier;
		this.format = format;
		this.progress = progress;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		long instance = Executions.instanceId(chunkContext);
		PartitionKey key = PartitionKey.parse(Executions.step(chunkContext).getStepName());
		ClonePlan.CitusPlan citus = this.plan.citusPlan(instance);
		if (key.bundle() > 0) {
			return copyBundle(contribution, chunkContext, instance, key.bundle(), citus);
		}
		SourceTable table = this.plan.table(instance, key.objectOid());
		CopyTarget target = this.plan.target(instance, table);
		if (key.slice() > 0) {
			return copySlice(contribution, chunkContext, instance, key, table, target);
		}
		if (!target.leadsUnit()) {
			this.progress.tableStarted(table.displayName(), 0).done(0);
			logger.info("Copied {} with {}, in one transaction into {}", table.displayName(),
					this.plan.table(instance, target.unitOid()).displayName(), target.unitRelation());
			return RepeatStatus.FINISHED;
		}
		List<SourceTable> members = unit(instance, table, target);
		MDC.put("table", table.displayName());
		try {
			CopyResult result = this.faults.run("copying table " + describe(members, target), true,
					() -> copyOnce(instance, table, members, target, citus));
			contribution.incrementWriteCount(result.rows());
			Executions.step(chunkContext).getExecutionContext().putLong(RunSummary.BYTES_KEY, result.bytes());
			return RepeatStatus.FINISHED;
		}
		finally {
			MDC.remove("table");
		}
	}

	/**
	 * A bundle of small tables: each emptied and filled in one target transaction, so a
	 * retry (or a resumed run) starts the whole bundle from empty tables again.
	 */
	private RepeatStatus copyBundle(StepContribution contribution, ChunkContext chunkContext, long instance, int bundle,
			ClonePlan.CitusPlan citus) {
		List<SourceTable> tables = this.plan.bundle(instance, bundle);
		String name = "bundle " + bundle + " (" + tables.size() + " tables: " + tables.get(0).displayName() + "...)";
		MDC.put("table", "bundle " + bundle);
		try {
			CopyResult result = this.faults.run("copying " + name, true,
					() -> copyBundleOnce(instance, bundle, tables, name, citus));
			contribution.incrementWriteCount(result.rows());
			Executions.step(chunkContext).getExecutionContext().putLong(RunSummary.BYTES_KEY, result.bytes());
			return RepeatStatus.FINISHED;
		}
		finally {
			MDC.remove("table");
		}
	}

	/**
	 * The bundle's tables in one target transaction.
	 * @param citus the source's Citus tables, read through a query ({@link CitusRun})
	 */
	private CopyResult copyBundleOnce(long instance, int bundle, List<SourceTable> tables, String name,
			ClonePlan.CitusPlan citus) {
		long started = System.nanoTime();
		List<ProgressTracker.TableProgress> progresses = new ArrayList<>();
		WorkSession sourceWork = null;
		WorkSession targetWork = null;
		try (WorkSession reading = this.sessions.sourceWork("copy of " + name);
				Connection sourceSession = reading.connection();
				WorkSession writing = this.sessions.targetWork("copy of " + name);
				Connection targetSession = writing.connection()) {
			sourceWork = reading;
			targetWork = writing;
			List<TableCopier.Load> loads = new ArrayList<>();
			Map<Long, CopyTarget> targets = this.plan.bundleTargets(instance, bundle);
			List<CopyTarget> bundleTargets = tables.stream()
				.map((table) -> targets.getOrDefault(table.oid(),
						CopyTarget.sameTable(table.oid(), table.qualifiedName())))
				.toList();
			Map<Integer, Set<String>> columnTypes = columnTypes(bundleTargets, targetSession);
			for (int i = 0; i < tables.size(); i++) {
				SourceTable table = tables.get(i);
				loads.add(new TableCopier.Load(
						table, bundleTargets.get(i), TableCopier.useBinary(this.format, table,
								this.request.sameMajorVersion(), columnTypes.getOrDefault(i, Set.of())),
						citus.readsThroughQuery(table.oid())));
				progresses.add(this.progress.tableStarted(table.displayName(), table.bytes()));
			}
			List<CopyResult> results = new ArrayList<>();
			CopyResult total = discardOnFailure(sourceSession, targetSession, "bundle " + bundle,
					() -> this.copier.copyEach(sourceSession, targetSession, loads, (index, bytes) -> {
						progresses.get(index).accept(bytes);
						reading.progressed(bytes);
						writing.progressed(bytes);
					}, results));
			for (int i = 0; i < progresses.size(); i++) {
				progresses.get(i).done(results.get(i).rows());
			}
			logger.info("Copied {}: {} rows, {} kB in {} ms", name, total.rows(), total.bytes() >> 10,
					(System.nanoTime() - started) / 1_000_000);
			return total;
		}
		catch (CopyException ex) {
			progresses.forEach(ProgressTracker.TableProgress::failed);
			throw copyFailure(ex, sourceWork, targetWork, "copying " + name);
		}
		catch (SQLException ex) {
			progresses.forEach(ProgressTracker.TableProgress::failed);
			throw this.request.target().failure("closing the sessions of " + name, ex);
		}
		catch (RuntimeException ex) {
			progresses.forEach(ProgressTracker.TableProgress::failed);
			throw ex;
		}
	}

	/**
	 * One slice of a split table. A key slice that ran before (an earlier execution of
	 * this partition, or an earlier attempt of this one) deletes its range first, in the
	 * transaction that copies it, so it is retried and resumed freely. A CTID slice
	 * cannot: it is retried here only when its attempt failed before the commit (nothing
	 * of it is on the target); when the commit itself failed, the run stops, and the
	 * resumed run empties the table and copies all its slices again
	 * ({@link PrepareSlicesTasklet}).
	 */
	private RepeatStatus copySlice(StepContribution contribution, ChunkContext chunkContext, long instance,
			PartitionKey key, SourceTable table, CopyTarget target) {
		TableSlice slice = this.plan.slice(instance, table.oid(), key.slice());
		// a worker process taken for gone may have run it: it may have committed
		boolean sentAgain = PartitionSpec.sentAgain(Executions.step(chunkContext));
		boolean ranBefore = this.board.startedExecutions(instance, key.stepName()) > 1 || sentAgain;
		String name = table.displayName() + " [" + slice.label() + "]";
		String doing = "copying slice " + slice.label() + " of table " + table.displayName() + " (" + slice.describe()
				+ ")";
		int[] attempts = { 0 };
		MDC.put("table", name);
		try {
			CopyResult result = this.faults.run(doing, true, () -> {
				attempts[0]++;
				boolean clear = slice.kind() == TableSlice.Kind.KEY && (ranBefore || attempts[0] > 1);
				return copySliceOnce(instance, key.stepName(), table, target, slice, clear, sentAgain, name, doing);
			});
			contribution.incrementWriteCount(result.rows());
			Executions.step(chunkContext).getExecutionContext().putLong(RunSummary.BYTES_KEY, result.bytes());
			return RepeatStatus.FINISHED;
		}
		finally {
			MDC.remove("table");
		}
	}

	/**
	 * @param sentAgain a worker process taken for gone ran it before: a CTID slice that
	 * worker was committing may be on the target, which the fence lets this attempt see
	 */
	private CopyResult copySliceOnce(long instance, String stepName, SourceTable table, CopyTarget target,
			TableSlice slice, boolean clear, boolean sentAgain, String name, String doing) {
		ProgressTracker.TableProgress tableProgress = this.progress.sliceStarted(table.displayName(), slice.label(),
				table.bytes() / slice.count());
		long started = System.nanoTime();
		WorkSession sourceWork = null;
		WorkSession targetWork = null;
		try (WorkSession reading = this.sessions.sourceWork("copy of " + name);
				Connection sourceSession = reading.connection();
				WorkSession writing = this.sessions.targetWork("copy of " + name);
				Connection targetSession = writing.connection()) {
			sourceWork = reading;
			targetWork = writing;
			TableCopier.Load load = new TableCopier.Load(table, target, binary(table, target, targetSession));
			CopyResult result = discardOnFailure(sourceSession, targetSession, stepName, () -> {
				// after the fence: the earlier attempt has ended, committed or not
				if (sentAgain && slice.kind() == TableSlice.Kind.CTID
						&& this.plan.committing(instance).contains(stepName)) {
					throw new UnsureCommit(new BadStateException("slice " + slice.label() + " of table "
							+ table.displayName() + " was being committed by a worker taken for gone"));
				}
				return this.copier.copySlice(sourceSession, targetSession, load, slice, clear, (bytes) -> {
					tableProgress.accept(bytes);
					reading.progressed(bytes);
					writing.progressed(bytes);
				}, () -> {
					// from here on the slice may have committed: a CTID slice cut
					// short after this restarts its table
					if (slice.kind() == TableSlice.Kind.CTID) {
						this.plan.markCommitting(instance, stepName);
					}
				});
			});
			tableProgress.done(result.rows());
			logger.info("Copied {} ({}{}): {} rows, {} kB ({}) in {} ms", name, slice.describe(),
					clear ? ", its earlier rows deleted first" : "", result.rows(), result.bytes() >> 10,
					load.binary() ? "binary" : "text", (System.nanoTime() - started) / 1_000_000);
			return result;
		}
		catch (CopyException ex) {
			tableProgress.failed();
			RuntimeException failure = copyFailure(ex, sourceWork, targetWork, doing);
			if (ex.atCommit() && slice.kind() == TableSlice.Kind.CTID && !(failure instanceof StalledWork)) {
				throw new UnsureCommit(failure);
			}
			throw failure;
		}
		catch (SQLException ex) {
			tableProgress.failed();
			// closing a session failed after the commit: a CTID slice must not run again
			RuntimeException failure = this.request.target().failure("closing the sessions of " + name, ex);
			throw (slice.kind() == TableSlice.Kind.CTID) ? new UnsureCommit(failure) : failure;
		}
		catch (RuntimeException ex) {
			tableProgress.failed();
			throw ex;
		}
	}

	/**
	 * A CTID slice whose commit failed: its rows may be on the target, which a retry
	 * would double, so it is not retried; the resumed run starts the table over.
	 */
	static final class UnsureCommit extends DatabaseException {

		UnsureCommit(RuntimeException failure) {
			super(exitCodeOf(failure), failure.getMessage() + " (the commit may have happened: resume the run, which"
					+ " copies this table's slices again from an empty table)", sqlStateOf(failure), failure);
		}

		private static ExitCode exitCodeOf(RuntimeException failure) {
			return (failure instanceof DatabaseException database) ? database.exitCode() : ExitCode.TARGET;
		}

		private static String sqlStateOf(RuntimeException failure) {
			return (failure instanceof DatabaseException database) ? database.sqlState() : null;
		}

	}

	/**
	 * One attempt: the unit's TRUNCATE and COPY in one target transaction, so a failed
	 * attempt leaves nothing and the next starts from empty relations.
	 */
	private CopyResult copyOnce(long instance, SourceTable table, List<SourceTable> members, CopyTarget target,
			ClonePlan.CitusPlan citus) {
		ProgressTracker.TableProgress tableProgress = this.progress.tableStarted(table.displayName(),
				members.stream().mapToLong(SourceTable::bytes).sum());
		long started = System.nanoTime();
		String work = "copy of " + table.displayName();
		WorkSession sourceWork = null;
		WorkSession targetWork = null;
		try (WorkSession reading = this.sessions.sourceWork(work);
				Connection sourceSession = reading.connection();
				WorkSession writing = this.sessions.targetWork(work);
				Connection targetSession = writing.connection()) {
			sourceWork = reading;
			targetWork = writing;
			List<TableCopier.Load> loads = new ArrayList<>();
			for (SourceTable member : members) {
				CopyTarget memberTarget = this.plan.target(instance, member);
				loads.add(new TableCopier.Load(member, memberTarget, binary(member, memberTarget, targetSession),
						citus.readsThroughQuery(member.oid())));
			}
			CopyResult result = discardOnFailure(sourceSession, targetSession, target.unitRelation(),
					() -> this.copier.copy(sourceSession, targetSession, loads, (bytes) -> {
						tableProgress.accept(bytes);
						reading.progressed(bytes);
						writing.progressed(bytes);
					}));
			tableProgress.done(result.rows());
			logger.info("Copied {}: {} rows, {} kB ({}) in {} ms", describe(members, target), result.rows(),
					result.bytes() >> 10, loads.get(0).binary() ? "binary" : "text",
					(System.nanoTime() - started) / 1_000_000);
			return result;
		}
		catch (CopyException ex) {
			tableProgress.failed();
			throw copyFailure(ex, sourceWork, targetWork, "copying table " + describe(members, target));
		}
		catch (SQLException ex) {
			tableProgress.failed();
			// closing a session failed after the commit: the unit is copied
			throw this.request.target().failure("closing the sessions of " + describe(members, target), ex);
		}
		catch (RuntimeException ex) {
			tableProgress.failed();
			throw ex;
		}
	}

	/**
	 * The error for a failed copy attempt: the stall watcher's reason when it cancelled
	 * the work (never retried), else the failing side's error, after ending the target
	 * backend the attempt may have left.
	 */
	private RuntimeException copyFailure(CopyException ex, WorkSession source, WorkSession target, String doing) {
		String stalled = stallFailure(ex.side(), source, target);
		if (stalled != null) {
			return new StalledWork(ex.side().exitCode(), stalled, ex.getCause().getSQLState(), ex.getCause());
		}
		endLeftBackend(target);
		return this.request.endpoint(ex.side()).failure(doing, ex.getCause());
	}

	/**
	 * Runs a copy; when it fails, its sessions are closed rather than reused (the target
	 * backend of a failed attempt may even be ended, see {@link #endLeftBackend}). The
	 * copy's target transaction first takes the advisory lock of {@code fence}: another
	 * attempt at the same work (a worker process taken for gone that still runs, in a
	 * distributed run) then either ended, committed or not, or waits for this one, so
	 * that the two never interleave their TRUNCATE or DELETE and COPY.
	 */
	private static CopyResult discardOnFailure(Connection source, Connection target, String fence, CopyCall copy)
			throws CopyException {
		try {
			try {
				target.setAutoCommit(false);
				try (PreparedStatement statement = target
					.prepareStatement("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(?, 0))")) {
					statement.setString(1, "pgcopydb copy " + fence);
					statement.execute();
				}
			}
			catch (SQLException ex) {
				throw new CopyException(Side.TARGET, ex);
			}
			return copy.run();
		}
		catch (CopyException | RuntimeException ex) {
			SessionPool.discard(source);
			SessionPool.discard(target);
			throw ex;
		}
	}

	@FunctionalInterface
	private interface CopyCall {

		CopyResult run() throws CopyException;

	}

	/**
	 * Ends the target backend of a failed attempt if it is still there (its connection
	 * was lost, not closed: a network drop leaves it waiting in COPY with the unit's
	 * TRUNCATE lock), so that a retry's TRUNCATE does not wait for it. Best effort: the
	 * failure being reported matters more.
	 */
	private void endLeftBackend(WorkSession session) {
		if (session == null || session.pid() <= 0) {
			return;
		}
		try (Connection check = this.request.target().connect("end a failed copy's backend");
				PreparedStatement statement = check.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid)"
						+ " FROM pg_catalog.pg_stat_activity WHERE pid = ? AND application_name LIKE 'pgcopydb%'")) {
			statement.setInt(1, session.pid());
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next() && rs.getBoolean(1)) {
					logger.info("Ended target backend {} left by the failed copy attempt", session.pid());
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("could not end target backend {}: {}", session.pid(), ex.getMessage());
		}
	}

	/**
	 * A copy the stall watcher gave up on: never retried, its backend may be frozen and
	 * still hold the unit's lock.
	 */
	static final class StalledWork extends DatabaseException {

		StalledWork(ExitCode exitCode, String message, String sqlState, Throwable cause) {
			super(exitCode, message, sqlState, cause);
		}

	}

	/**
	 * Why the stall watcher cancelled the copy, the failing side's session first, or
	 * null: the cancel then explains the broken connection.
	 */
	private static String stallFailure(Side side, WorkSession source, WorkSession target) {
		WorkSession failing = (side == Side.SOURCE) ? source : target;
		WorkSession other = (side == Side.SOURCE) ? target : source;
		if (failing != null && failing.failure() != null) {
			return failing.failure();
		}
		return (other != null) ? other.failure() : null;
	}

	/** The tables of the unit {@code leader} leads, itself first, in plan order. */
	private List<SourceTable> unit(long instance, SourceTable leader, CopyTarget target) {
		Map<Long, CopyTarget> targets = this.plan.targets(instance);
		if (targets.isEmpty()) {
			return List.of(leader);
		}
		List<SourceTable> members = new ArrayList<>();
		for (SourceTable table : this.plan.copiedTables(instance)) {
			CopyTarget member = targets.get(table.oid());
			if (member != null && member.unitOid() == target.unitOid()) {
				members.add(table);
			}
		}
		return members;
	}

	/** "public.big" or "public.m_1, public.m_2 into public.m" for logs and errors. */
	private static String describe(List<SourceTable> members, CopyTarget target) {
		if (members.size() == 1 && !target.redirected(members.get(0).qualifiedName())) {
			return members.get(0).displayName();
		}
		return members.stream().map(SourceTable::displayName).collect(Collectors.joining(", ")) + " into "
				+ target.unitRelation();
	}

	/** Binary COPY where provably safe: the target's column types decide it. */
	/**
	 * The target's column types of a bundle's relations, in one query, by index (none
	 * when the format does not depend on them).
	 */
	private Map<Integer, Set<String>> columnTypes(List<CopyTarget> targets, Connection target) {
		if (this.format != CopyFormat.AUTO) {
			return Map.of();
		}
		try {
			return new TargetCatalog(target).columnTypes(targets.stream().map(CopyTarget::relation).toList());
		}
		catch (SQLException ex) {
			throw this.request.target().failure("reading the column types of the tables of a bundle", ex);
		}
	}

	private boolean binary(SourceTable table, CopyTarget copyTarget, Connection target) {
		try {
			return TableCopier.useBinary(this.format, table, this.request.sameMajorVersion(), target,
					copyTarget.relation());
		}
		catch (CopyException ex) {
			throw this.request.target().failure("reading the column types of " + copyTarget.relation(), ex.getCause());
		}
	}

}
