package io.pgcopydb.cdc.apply;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.store.ChangeReader;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.pg.SqlStates;

/**
 * Replays source transactions from the change store on the target, exactly once: each
 * target transaction sets the replication origin to the commit <em>end</em> LSN of the
 * last source transaction it covers ({@code pg_replication_origin_xact_setup}), so the
 * origin's position and the changes commit together; on restart apply reads the store
 * after {@link #originPosition()}, and skips any transaction that ends at or before it
 * (the reader gives a transaction's end LSN with its Begin,
 * {@link ChangeReader#transactionEnd()}; every plugin gives it, not all a commit LSN at
 * Begin). Sessions run with {@code session_replication_role = replica} (no user triggers,
 * no FK checks).
 * <p>
 * Throughput: many source transactions are grouped into one target transaction (bounded
 * by {@link ApplyOptions}, and committed at once when the store has nothing more ready),
 * and rows go out per target table and statement shape, bounded by bytes (see
 * {@link PendingRows} for why order is kept per table only): as one set-based statement
 * where the rows commute ({@link SetStatement}), else as one batch of prepared row
 * statements. A transaction larger than the memory bound streams through without being
 * held: its statements are sent as they come, and it commits as a whole. Statements and
 * commits run on a thread of their own ({@link SessionPipeline}) while the next group is
 * read and built; a commit is reported ({@link ApplyControl#applied}) once it is done.
 * <p>
 * Stopping: a stop request is honoured between source transactions (the open target
 * transaction commits first), or inside a large one by rolling the target transaction
 * back; either way the origin says exactly what is applied. A lost target session is
 * opened again and apply goes on from the origin's position (with a reader factory).
 */
public final class ChangeApplier implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ChangeApplier.class);

	/**
	 * A transaction whose commit record starts this close before endpos may end after it:
	 * it is applied in a target transaction of its own, which is rolled back if it does.
	 * Commit records are far smaller than this unless a transaction has thousands of
	 * subtransactions.
	 */
	static final long STRADDLE_MARGIN = 64 * 1024;

	private static final Duration POLL = Duration.ofMillis(200);

	private static final int RETRIES = 5;

	/** Runs this long or longer go out set-based, where the SQL has that form. */
	private static final int SET_ROWS = 2;

	private final PgEndpoint target;

	private final String origin;

	private final ApplyOptions options;

	private ApplySession session;

	/** Every relation the stream described, kept across sessions. */
	private final Map<Long, RelationShape> shapes = new HashMap<>();

	private final ShapeHistory shapeHistory = new ShapeHistory();

	/**
	 * What each relation's latest shape changed in the stream, checked at its first
	 * change.
	 */
	private final Map<Long, ShapeHistory.Change> shapeChanges = new HashMap<>();

	/** The statements of each relation against the current session's target tables. */
	private final Map<Long, RowStatements> statements = new HashMap<>();

	private final PendingRows pending = new PendingRows();

	private final SessionPipeline pipeline = new SessionPipeline();

	/** Commits the pipeline made, not yet reported to the control. */
	private final Queue<Done> done = new ConcurrentLinkedQueue<>();

	/** The origin's position as of the last commit of this session that is done. */
	private Lsn committed = Lsn.INVALID;

	/**
	 * The end of the last group given to the pipeline to commit, done or not: what later
	 * source transactions are checked against.
	 */
	private Lsn queued = Lsn.INVALID;

	/**
	 * The end of the last source transaction read whole and applied, committed or not.
	 */
	private Lsn readThrough = Lsn.INVALID;

	private final Group group = new Group();

	/**
	 * Whether the last run ended at endpos because its reader had nothing more and
	 * receive held everything up to endpos (not because a transaction ending past it was
	 * read): what a fresh reader then checks.
	 */
	private boolean endposByReceived;

	/** The last position reported to {@link ApplyControl#caughtUp}. */
	private Lsn caughtUp = Lsn.INVALID;

	/**
	 * @param target the target server
	 * @param origin the replication origin's name, created by setup
	 */
	public ChangeApplier(PgEndpoint target, String origin) {
		this(target, origin, ApplyOptions.DEFAULTS);
	}

	public ChangeApplier(PgEndpoint target, String origin, ApplyOptions options) {
		this.target = target;
		this.origin = origin;
		this.options = options;
	}

	/**
	 * Checks, before a run starts, that the target's role may use the replication origin
	 * functions and set {@code session_replication_role} (superuser-only by default).
	 * @throws DatabaseException naming what is missing and the GRANTs that fix it
	 */
	public static void checkPrivileges(PgEndpoint target) {
		ApplySession.checkPrivileges(target);
	}

	/** The origin's flushed position: everything at or before it is applied. */
	public Lsn originPosition() {
		try {
			return session().originPosition();
		}
		catch (SQLException ex) {
			throw this.target.failure("reading the position of replication origin \"" + this.origin + "\"", ex);
		}
	}

	/**
	 * Applies what {@code reader} returns until endpos is reached (returns true) or a
	 * stop is requested (returns false); fails with a one-line error naming the table,
	 * the source transaction and the statement's SQLSTATE. The reader must start after
	 * {@link #originPosition()}; as it cannot be read again, a lost target session fails
	 * the apply (use {@link #apply(Function, ApplyControl)} to go on instead).
	 */
	public boolean apply(ChangeReader reader, ApplyControl control) throws InterruptedException {
		try {
			return run(reader, control);
		}
		catch (SessionLost lost) {
			closeSession();
			throw lost.failure;
		}
		catch (TargetBehind behind) {
			closeSession();
			throw behind.failure;
		}
	}

	/**
	 * As {@link #apply(ChangeReader, ApplyControl)}, with readers opened by
	 * {@code readers} after a position (the change store's {@code reader}): when the
	 * target session is lost (a server restart), apply opens a new one, reads the
	 * origin's position and goes on from there, a few times with growing pauses before it
	 * gives up with a one-line error.
	 */
	public boolean apply(Function<Lsn, ChangeReader> readers, ApplyControl control) throws InterruptedException {
		int failures = 0;
		int rereads = 0;
		while (true) {
			Lsn before = this.committed;
			try {
				Lsn from = originPosition();
				this.endposByReceived = false;
				try (ChangeReader reader = readers.apply(from)) {
					if (!run(reader, control)) {
						return false;
					}
				}
				Lsn left = this.endposByReceived ? unapplied(readers, control.endpos()) : null;
				if (left == null) {
					return true;
				}
				if (++rereads > RETRIES) {
					throw internal("a transaction ending at " + left + ", at or before endpos " + control.endpos()
							+ ", that apply did not reach");
				}
				logger.warn("Apply reached endpos {} but the change files still hold a transaction ending at {},"
						+ " before it: reading them again", control.endpos(), left);
			}
			catch (TargetBehind behind) {
				closeSession();
				applyBefore(readers, control, behind.readThrough);
				throw behind.failure;
			}
			catch (SessionLost lost) {
				closeSession();
				failures = this.committed.equals(before) ? failures + 1 : 1;
				if (failures > RETRIES || control.stopRequested()) {
					throw lost.failure;
				}
				long pause = 1000L << (failures - 1);
				logger.warn("{}; opening a new apply session in {} s (attempt {} of {})", lost.failure.getMessage(),
						pause / 1000, failures, RETRIES);
				Thread.sleep(pause);
			}
			catch (DatabaseException ex) {
				if (!isSessionLost(ex.getCause()) || control.stopRequested()) {
					throw ex;
				}
				closeSession();
				failures = this.committed.equals(before) ? failures + 1 : 1;
				if (failures > RETRIES) {
					throw ex;
				}
				long pause = 1000L << (failures - 1);
				logger.warn("{}; trying again in {} s (attempt {} of {})", ex.getMessage(), pause / 1000, failures,
						RETRIES);
				Thread.sleep(pause);
			}
		}
	}

	/**
	 * Applies again, and commits, the source transactions that came before the one whose
	 * change the target could not take (a table's shape changed on the source): they were
	 * rolled back with it, being in the same target transaction. The origin is then right
	 * before that transaction, so that DDL the DBA applies on the target for the new
	 * shape does not meet changes of the old one on {@code --resume}.
	 */
	private void applyBefore(Function<Lsn, ChangeReader> readers, ApplyControl control, Lsn through)
			throws InterruptedException {
		if (!through.isValid() || !through.isAfter(originPosition())) {
			return;
		}
		ApplyControl bounded = new ApplyControl() {

			@Override
			public Lsn endpos() {
				return through;
			}

			@Override
			public boolean applyAllowed() {
				return true;
			}

			@Override
			public Lsn receivedThrough() {
				return control.receivedThrough();
			}

			@Override
			public boolean stopRequested() {
				return control.stopRequested();
			}

			@Override
			public void applied(Lsn endLsn, Instant commitTime) {
				control.applied(endLsn, commitTime);
			}

		};
		try (ChangeReader reader = readers.apply(originPosition())) {
			run(reader, bounded);
		}
		catch (TargetBehind again) {
			// met again in a transaction applied alone (no end LSN at its Begin): those
			// before it are committed
			closeSession();
		}
		catch (RuntimeException ex) {
			// --resume applies them
			closeSession();
			logger.warn("Applying the source transactions before it failed: {}", ex.getMessage());
			return;
		}
		logger.info("Applied the source transactions before it, through {}", originPosition());
	}

	/**
	 * The end of a transaction a fresh reader still finds after the origin's position and
	 * at or before {@code endpos}; null when none: "endpos reached" is then true of the
	 * files, not only of what the last reader returned.
	 */
	private Lsn unapplied(Function<Lsn, ChangeReader> readers, Lsn endpos) throws InterruptedException {
		if (!endpos.isValid()) {
			return null;
		}
		try (ChangeReader reader = readers.apply(originPosition())) {
			ChangeEvent event = reader.next(Duration.ZERO);
			while (event instanceof ChangeEvent.Relation) {
				event = reader.next(Duration.ZERO);
			}
			if (event instanceof ChangeEvent.Begin) {
				Lsn end = reader.transactionEnd();
				if (end.isValid() && end.isAfter(this.committed) && !end.isAfter(endpos)) {
					return end;
				}
			}
			return null;
		}
	}

	private boolean run(ChangeReader reader, ApplyControl control) throws InterruptedException {
		try {
			boolean reached = loop(reader, control);
			sync(control);
			return reached;
		}
		catch (SQLException ex) {
			if (isSessionLost(ex)) {
				throw new SessionLost(this.target.failure("applying changes", ex));
			}
			throw this.target.failure("applying changes", ex);
		}
	}

	private boolean loop(ChangeReader reader, ApplyControl control) throws SQLException, InterruptedException {
		ApplySession session = session();
		this.pipeline.sync();
		this.committed = session.originPosition();
		this.queued = this.committed;
		this.readThrough = this.committed;
		Transaction transaction = null;
		Lsn endpos = control.endpos();
		Lsn received = control.receivedThrough();
		while (true) {
			if (transaction == null) {
				report(control);
				if (this.group.isFull(this.options)) {
					commitGroup(control);
				}
				if (control.stopRequested()) {
					commitGroup(control);
					return false;
				}
				if (!control.applyAllowed()) {
					commitGroup(control);
					sync(control);
					if (!awaitApplyAllowed(control)) {
						return false;
					}
				}
				endpos = control.endpos();
				if (endpos.isValid() && !applied().isBefore(endpos)) {
					commitGroup(control);
					return true;
				}
				// read before asking the reader: if the store held everything up to
				// endpos by then, a reader with nothing to give means nothing is left
				received = control.receivedThrough();
			}
			ChangeEvent event = reader.next(Duration.ZERO);
			if (event == null) {
				if (transaction == null) {
					commitGroup(control);
					// nothing to build meanwhile: wait for the commit, so that caught up
					// means applied
					sync(control);
					// same reasoning: nothing is left up to what was received (reported
					// no further than endpos, where this follow ends)
					Lsn through = (endpos.isValid() && received.isAfter(endpos)) ? endpos : received;
					if (through.isAfter(applied()) && through.isAfter(this.caughtUp)) {
						this.caughtUp = through;
						control.caughtUp(through);
					}
					if (endpos.isValid() && !received.isBefore(endpos)) {
						this.endposByReceived = true;
						return true;
					}
				}
				event = reader.next(POLL);
				if (event == null) {
					continue;
				}
			}
			if (event instanceof ChangeEvent.Begin begin) {
				transaction = begin(begin, reader.transactionEnd(), endpos, control);
				if (transaction == null) {
					return true;
				}
			}
			else if (event instanceof ChangeEvent.Relation relation) {
				relation(relation.shape());
			}
			else if (transaction == null) {
				throw internal("a " + event.getClass().getSimpleName() + " outside a transaction");
			}
			else if (event instanceof ChangeEvent.Commit commit) {
				if (!transaction.skip() && !commit(transaction, commit, endpos, control)) {
					return true;
				}
				transaction = null;
			}
			else if (!transaction.skip()) {
				change(transaction, event);
			}
			if (this.pending.bytes() >= this.options.batchBytes()) {
				flush();
				if (control.stopRequested() && transaction != null) {
					rollbackGroup();
					return false;
				}
			}
		}
	}

	/**
	 * The transaction that begins, or null when it ends after endpos (apply is done); see
	 * {@link #start}.
	 */
	private Transaction begin(ChangeEvent.Begin begin, Lsn end, Lsn endpos, ApplyControl control) throws SQLException {
		Start start = start(end, begin.finalLsn(), this.queued, endpos);
		if (start == Start.SKIP) {
			return new Transaction(begin.xid(), begin.finalLsn(), true);
		}
		if (start == Start.STOP || start == Start.ALONE) {
			commitGroup(control);
		}
		if (start == Start.STOP) {
			return null;
		}
		this.group.begin();
		return new Transaction(begin.xid(), begin.finalLsn(), false);
	}

	/** What apply does with a transaction at its Begin. */
	enum Start {

		/** Applied already: ends at or before the origin's position. */
		SKIP,
		/** Ends after endpos: apply is done. */
		STOP,
		/** Applied, in the open target transaction. */
		APPLY,
		/**
		 * Applied, in a target transaction of its own: it may end after endpos, which
		 * only its Commit tells, and then it alone is rolled back.
		 */
		ALONE

	}

	/**
	 * Decides at a Begin from the transaction's end LSN given by the reader; when the
	 * reader cannot tell ({@link Lsn#INVALID}), from the Begin's commit LSN, and when the
	 * plugin does not give that either (test_decoding), the transaction is applied alone
	 * and its Commit decides: skipping it on an unknown position would lose it silently
	 * (an INVALID LSN is before every origin position).
	 * @param end the transaction's commit end LSN, or INVALID
	 * @param finalLsn the Begin's commit LSN, or INVALID
	 * @param committed the origin's position
	 * @param endpos where apply ends, or INVALID
	 */
	static Start start(Lsn end, Lsn finalLsn, Lsn committed, Lsn endpos) {
		if (end.isValid()) {
			if (!end.isAfter(committed)) {
				return Start.SKIP;
			}
			return (endpos.isValid() && end.isAfter(endpos)) ? Start.STOP : Start.APPLY;
		}
		if (!finalLsn.isValid()) {
			return endpos.isValid() ? Start.ALONE : Start.APPLY;
		}
		if (finalLsn.isBefore(committed)) {
			return Start.SKIP;
		}
		if (endpos.isValid() && !finalLsn.isBefore(endpos)) {
			return Start.STOP;
		}
		if (endpos.isValid() && endpos.bytesAfter(finalLsn) <= STRADDLE_MARGIN) {
			return Start.ALONE;
		}
		return Start.APPLY;
	}

	/**
	 * Ends a source transaction; false when it ended after endpos and was rolled back.
	 */
	private boolean commit(Transaction transaction, ChangeEvent.Commit commit, Lsn endpos, ApplyControl control)
			throws SQLException {
		if (!commit.endLsn().isAfter(this.queued)) {
			throw internal("source transaction " + transaction.xid() + " ends at " + commit.endLsn()
					+ ", at or before the origin's position " + this.queued + ", and was not skipped");
		}
		if (endpos.isValid() && commit.endLsn().isAfter(endpos)) {
			if (this.group.transactions() > 0) {
				rollbackGroup();
				throw new BadStateException("source transaction " + transaction.xid() + " commits at "
						+ transaction.finalLsn() + " before endpos " + endpos + " but ends at " + commit.endLsn()
						+ ", after it: set endpos to " + commit.endLsn() + " or to " + transaction.finalLsn()
						+ " (pgcopydb stream sentinel set endpos), then run again with --resume");
			}
			rollbackGroup();
			return false;
		}
		this.group.add(commit);
		this.readThrough = commit.endLsn();
		return true;
	}

	/**
	 * Keeps the shape; it is checked against the target at its first change, so a shape
	 * met only in transactions already applied (read again on resume, from before DDL the
	 * DBA has since applied on the target) never stops apply.
	 */
	private void relation(RelationShape shape) {
		if (shape.equals(this.shapes.get(shape.id()))) {
			// described again (a new walsender session, the start of a change file): a
			// change of the shape not yet checked stays to check
			return;
		}
		this.shapes.put(shape.id(), shape);
		this.shapeChanges.put(shape.id(), this.shapeHistory.next(shape));
		this.statements.remove(shape.id());
	}

	private RowStatements statementsOf(long relationId) throws SQLException {
		RowStatements known = this.statements.get(relationId);
		if (known != null) {
			return known;
		}
		RelationShape shape = this.shapes.get(relationId);
		if (shape == null) {
			throw internal("a change of relation " + relationId + " before its description");
		}
		TargetTable table;
		// the catalog queries run on the session: after what is queued on it
		syncQuietly();
		try {
			table = session().tables()
				.resolve(shape, this.shapeChanges.getOrDefault(relationId, ShapeHistory.Change.NONE));
		}
		catch (BadStateException ex) {
			throw new TargetBehind(ex, this.readThrough);
		}
		RowStatements resolved = new RowStatements(shape, table);
		this.statements.put(relationId, resolved);
		return resolved;
	}

	private void change(Transaction transaction, ChangeEvent event) throws SQLException {
		RowStatements rows;
		BoundStatement statement;
		if (event instanceof ChangeEvent.Insert insert) {
			rows = statementsOf(insert.relationId());
			statement = rows.insert(insert);
		}
		else if (event instanceof ChangeEvent.Update update) {
			rows = statementsOf(update.relationId());
			statement = rows.update(update);
		}
		else if (event instanceof ChangeEvent.Delete delete) {
			rows = statementsOf(delete.relationId());
			statement = rows.delete(delete);
		}
		else if (event instanceof ChangeEvent.Truncate truncate) {
			truncate(transaction, truncate);
			return;
		}
		else {
			throw internal("an unexpected " + event.getClass().getSimpleName());
		}
		if (statement != null) {
			this.pending.add(rows.table().qualifiedName(),
					new PendingRows.Row(statement, transaction.xid(), transaction.finalLsn()));
			this.group.addBytes(statement.bytes());
		}
	}

	private void truncate(Transaction transaction, ChangeEvent.Truncate truncate) throws SQLException {
		List<TargetTable> tables = new ArrayList<>();
		for (long relationId : truncate.relationIds()) {
			tables.add(statementsOf(relationId).table());
		}
		flush();
		BoundStatement statement = RowStatements.truncate(tables, truncate.cascade(), truncate.restartIdentity());
		ApplySession session = session();
		List<PendingRows.Row> rows = List.of(new PendingRows.Row(statement, transaction.xid(), transaction.finalLsn()));
		String table = tables.get(0).qualifiedName();
		submit(() -> run(session, table, rows));
	}

	/**
	 * Sends the pending statements: per table, per run of the same SQL, as one set-based
	 * statement where the SQL has that form and the run is long enough, else as one batch
	 * of row statements.
	 */
	private void flush() throws SQLException {
		if (this.pending.isEmpty()) {
			return;
		}
		Map<String, List<PendingRows.Row>> drained = this.pending.drain();
		ApplySession session = session();
		submit(() -> send(session, drained));
	}

	/** Sends drained pending statements on {@code session}; runs on the pipeline. */
	private void send(ApplySession session, Map<String, List<PendingRows.Row>> drained) throws SQLException {
		for (Map.Entry<String, List<PendingRows.Row>> table : drained.entrySet()) {
			List<PendingRows.Row> rows = table.getValue();
			int start = 0;
			while (start < rows.size()) {
				String sql = rows.get(start).statement().sql();
				int end = start + 1;
				while (end < rows.size() && rows.get(end).statement().sql().equals(sql)) {
					end++;
				}
				List<PendingRows.Row> run = rows.subList(start, end);
				SetStatement set = rows.get(start).statement().set();
				if (set != null && run.size() >= SET_ROWS && distinctKeys(run)) {
					runSet(session, table.getKey(), set, run);
				}
				else {
					run(session, table.getKey(), run);
				}
				start = end;
			}
		}
	}

	/** Sends {@code rows}, a run of one SQL, as one set-based statement. */
	private void runSet(ApplySession session, String table, SetStatement set, List<PendingRows.Row> rows)
			throws SQLException {
		long changed;
		try {
			changed = session.executeSet(set, rows.stream().map(PendingRows.Row::statement).toList());
		}
		catch (SQLException ex) {
			throw statementFailure(table, rows, ex);
		}
		if (set.kind() == SetStatement.Kind.MATCH) {
			warnMissing(table, rows.size() - changed);
		}
	}

	/**
	 * Whether no two rows of a run of UPDATEs share a key. Compaction leaves at most one
	 * per key (see {@link PendingRows}); a set-based UPDATE would apply only one of two,
	 * so this is checked rather than assumed.
	 */
	private static boolean distinctKeys(List<PendingRows.Row> run) {
		if (run.get(0).statement().rowKey() == null) {
			return true;
		}
		Set<String> keys = new HashSet<>(run.size() * 2);
		for (PendingRows.Row row : run) {
			if (!keys.add(row.statement().rowKey())) {
				return false;
			}
		}
		return true;
	}

	private void run(ApplySession session, String table, List<PendingRows.Row> rows) throws SQLException {
		String sql = rows.get(0).statement().sql();
		int[] counts;
		try {
			counts = session.executeBatch(sql, rows.stream().map(PendingRows.Row::statement).toList());
		}
		catch (BatchUpdateException ex) {
			int failed = failedIndex(ex.getUpdateCounts(), rows.size());
			SQLException cause = (ex.getNextException() != null) ? ex.getNextException() : ex;
			throw statementFailure(table, rows.get(failed), cause);
		}
		catch (SQLException ex) {
			throw statementFailure(table, rows.get(0), ex);
		}
		if (!sql.startsWith("INSERT") && !sql.startsWith("TRUNCATE")) {
			int missing = 0;
			for (int count : counts) {
				missing += (count == 0) ? 1 : 0;
			}
			warnMissing(table, missing);
		}
	}

	private static void warnMissing(String table, long missing) {
		if (missing > 0) {
			logger.warn("{} change(s) of table {} found no row to change on the target: the target differs"
					+ " from the source there (rows changed on the target, or copied after the slot's snapshot)",
					missing, table);
		}
	}

	private static int failedIndex(int[] counts, int size) {
		for (int i = 0; i < counts.length; i++) {
			if (counts[i] == Statement.EXECUTE_FAILED) {
				return Math.min(i, size - 1);
			}
		}
		return Math.min(counts.length, size - 1);
	}

	private RuntimeException statementFailure(String table, PendingRows.Row row, SQLException ex) {
		return statementFailure(table, "source transaction " + row.xid() + " (commit LSN " + row.finalLsn() + ")", ex);
	}

	/** A set-based statement failed: it held changes of several source transactions. */
	private RuntimeException statementFailure(String table, List<PendingRows.Row> rows, SQLException ex) {
		PendingRows.Row first = rows.get(0);
		PendingRows.Row last = rows.get(rows.size() - 1);
		if (first.xid() == last.xid()) {
			return statementFailure(table, first, ex);
		}
		return statementFailure(table, "one of the source transactions " + first.xid() + " (commit LSN "
				+ first.finalLsn() + ") to " + last.xid() + " (commit LSN " + last.finalLsn() + ")", ex);
	}

	private RuntimeException statementFailure(String table, String transactions, SQLException ex) {
		if (isSessionLost(ex)) {
			return new SessionLost(this.target.failure("applying a change of table " + table, ex));
		}
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "none";
		return new DatabaseException(ExitCode.TARGET,
				"applying a change of table " + table + " from " + transactions + " failed on the " + this.target + ": "
						+ SqlStates.firstLine(ex.getMessage()) + " (SQLSTATE " + state
						+ "); fix the target (or the row there), then run again with --resume",
				ex.getSQLState(), ex);
	}

	/** Commits the open target transaction, if it holds any source transaction. */
	private void commitGroup(ApplyControl control) throws SQLException {
		if (this.group.transactions() == 0) {
			return;
		}
		flush();
		ApplySession session = session();
		Done commit = new Done(this.group.endLsn(), this.group.commitTime(), this.group.transactions());
		submit(() -> {
			session.commit(commit.endLsn(), commit.commitTime());
			this.done.add(commit);
		});
		this.queued = commit.endLsn();
		this.group.reset();
		report(control);
	}

	/** Reports the commits the pipeline has made since the last report. */
	private void report(ApplyControl control) {
		Done commit;
		while ((commit = this.done.poll()) != null) {
			this.committed = commit.endLsn();
			logger.debug("Applied {} source transaction(s) through {}", commit.transactions(), commit.endLsn());
			control.applied(commit.endLsn(), commit.commitTime());
		}
	}

	/** Waits for the pipeline, then reports its commits. */
	private void sync(ApplyControl control) throws SQLException {
		syncQuietly();
		report(control);
	}

	/** Waits for the pipeline; its commits are reported by the next {@link #report}. */
	private void syncQuietly() throws SQLException {
		try {
			this.pipeline.sync();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("interrupted while the apply session's statements ran", "57014", ex);
		}
	}

	private void submit(SessionPipeline.Work work) throws SQLException {
		try {
			this.pipeline.submit(work);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("interrupted while the apply session's statements ran", "57014", ex);
		}
	}

	private void rollbackGroup() throws SQLException {
		this.pending.clear();
		syncQuietly();
		session().rollback();
		this.group.reset();
	}

	/** Waits while the sentinel does not allow apply; false when a stop came first. */
	private static boolean awaitApplyAllowed(ApplyControl control) throws InterruptedException {
		while (!control.applyAllowed()) {
			if (control.stopRequested()) {
				return false;
			}
			Thread.sleep(POLL.toMillis());
		}
		return !control.stopRequested();
	}

	/**
	 * The position applied in the target transaction open now, else the last one given to
	 * the pipeline to commit.
	 */
	private Lsn applied() {
		return (this.group.transactions() > 0) ? this.group.endLsn() : this.queued;
	}

	private ApplySession session() {
		if (this.session == null) {
			try {
				this.session = ApplySession.open(this.target, this.origin, this.options);
			}
			catch (SQLException ex) {
				if (isSessionLost(ex)) {
					throw new SessionLost(this.target.failure("opening the apply session", ex));
				}
				throw this.target.failure("opening the apply session", ex);
			}
			this.statements.clear();
		}
		return this.session;
	}

	private void closeSession() {
		ApplySession closing = this.session;
		this.pipeline.abandon(() -> {
			if (closing != null) {
				closing.close();
			}
		});
		this.session = null;
		// commits the pipeline made before the session went are durable
		Done commit;
		while ((commit = this.done.poll()) != null) {
			this.committed = commit.endLsn();
		}
		this.queued = this.committed;
		this.pending.clear();
		this.group.reset();
		this.statements.clear();
	}

	private static boolean isSessionLost(Throwable ex) {
		return ex instanceof SQLException sql && SqlStates.cause(sql, false).sessionLost();
	}

	private static PgCopyException internal(String what) {
		return new PgCopyException(ExitCode.INTERNAL,
				"the change stream has " + what + "; this is a bug, please report it with the log file");
	}

	@Override
	public void close() {
		closeSession();
		this.pipeline.close();
	}

	/** A target transaction the pipeline committed. */
	private record Done(Lsn endLsn, Instant commitTime, int transactions) {
	}

	/** The source transaction being read, and whether it is applied already. */
	private record Transaction(long xid, Lsn finalLsn, boolean skip) {
	}

	/** A lost target session, which a new session may get past. */
	private static final class SessionLost extends RuntimeException {

		private final DatabaseException failure;

		SessionLost(DatabaseException failure) {
			super(failure.getMessage(), failure, false, false);
			this.failure = failure;
		}

	}

	/**
	 * The target cannot take a change (a table or column it lacks, a shape changed on the
	 * source): apply stops, after committing what came before ({@link #applyBefore}).
	 */
	private static final class TargetBehind extends RuntimeException {

		private final BadStateException failure;

		private final Lsn readThrough;

		TargetBehind(BadStateException failure, Lsn readThrough) {
			super(failure.getMessage(), failure, false, false);
			this.failure = failure;
			this.readThrough = readThrough;
		}

	}

	/** The open target transaction: the source transactions it holds and its bounds. */
	private static final class Group {

		private int transactions;

		private long bytes;

		private long startNanos;

		private Lsn endLsn = Lsn.INVALID;

		private Instant commitTime;

		void begin() {
			if (this.transactions == 0 && this.bytes == 0) {
				this.startNanos = System.nanoTime();
			}
		}

		void add(ChangeEvent.Commit commit) {
			this.transactions++;
			this.endLsn = commit.endLsn();
			this.commitTime = commit.commitTime();
		}

		void addBytes(long more) {
			this.bytes += more;
		}

		boolean isFull(ApplyOptions options) {
			return this.transactions > 0
					&& (this.transactions >= options.groupTransactions() || this.bytes >= options.groupBytes()
							|| System.nanoTime() - this.startNanos >= options.groupDuration().toNanos());
		}

		int transactions() {
			return this.transactions;
		}

		Lsn endLsn() {
			return this.endLsn;
		}

		Instant commitTime() {
			return this.commitTime;
		}

		void reset() {
			this.transactions = 0;
			this.bytes = 0;
			this.endLsn = Lsn.INVALID;
			this.commitTime = null;
		}

	}

}
