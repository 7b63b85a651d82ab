package io.pgcopydb.cdc.apply;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayDeque;
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
import io.pgcopydb.cdc.receive.ReplicationOrigins;
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

	/**
	 * A session with nothing to apply has its origin moved up to the others' once it is
	 * this far behind (and always at endpos and on a stop), so that a restart does not
	 * read the change files from far back.
	 */
	static final long IDLE_ORIGIN_LAG = 16L << 20;

	private static final Duration POLL = Duration.ofMillis(200);

	private static final int RETRIES = 5;

	/** Runs this long or longer go out set-based, where the SQL has that form. */
	private static final int SET_ROWS = 2;

	private final PgEndpoint target;

	private final String origin;

	private final ApplyOptions options;

	/**
	 * Where the session log lives ({@code --dir}'s change directory); null: one session.
	 */
	private final Path sessionDir;

	private final Session[] sessions;

	/** Which session each transaction went to; null with one session. */
	private SessionLog log;

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

	/** The conflict keys of each relation's changes (several sessions only). */
	private final Map<Long, RowKeys> rowKeys = new HashMap<>();

	/**
	 * The source transactions given to sessions and not yet reported applied, in the
	 * order they were read: what is reported applied is the end of the last one of a run
	 * of done ones at the head.
	 */
	private final ArrayDeque<Assigned> inFlight = new ArrayDeque<>();

	/** Everything at or before this is applied and committed: what was last reported. */
	private Lsn committed = Lsn.INVALID;

	/**
	 * The end of the last source transaction given to a session, committed or not: what
	 * later source transactions are checked against.
	 */
	private Lsn assigned = Lsn.INVALID;

	private Instant assignedCommitTime;

	/**
	 * The end of the last source transaction read whole and applied, committed or not.
	 */
	private Lsn readThrough = Lsn.INVALID;

	/** The lowest origin position of the sessions when the run started. */
	private Lsn floor = Lsn.INVALID;

	/**
	 * When the run started: each session's origin position, and the session each logged
	 * transaction after {@link #floor} went to (several sessions only).
	 */
	private Lsn[] startedAt;

	private Map<Lsn, Integer> startAssignments = Map.of();

	/**
	 * Whether the last run ended at endpos because its reader had nothing more and
	 * receive held everything up to endpos (not because a transaction ending past it was
	 * read): what a fresh reader then checks.
	 */
	private boolean endposByReceived;

	/** The last position reported to {@link ApplyControl#caughtUp}. */
	private Lsn caughtUp = Lsn.INVALID;

	private ApplyControl control;

	/**
	 * Whether this run applies only what came before a transaction the target could not
	 * take ({@link #applyBefore}): sessions may have committed past its bound.
	 */
	private boolean bounded;

	/**
	 * @param target the target server
	 * @param origin the replication origin's name, created by setup
	 */
	public ChangeApplier(PgEndpoint target, String origin) {
		this(target, origin, ApplyOptions.DEFAULTS, null);
	}

	public ChangeApplier(PgEndpoint target, String origin, ApplyOptions options) {
		this(target, origin, options, null);
	}

	/**
	 * @param sessionDir where the session log is kept ({@code --dir}'s change directory):
	 * required with several sessions; with one, a log found there (a follow that applied
	 * with several) refuses the run
	 */
	public ChangeApplier(PgEndpoint target, String origin, ApplyOptions options, Path sessionDir) {
		if (options.sessions() > 1 && sessionDir == null) {
			throw new IllegalArgumentException("several apply sessions need a directory for their log");
		}
		this.target = target;
		this.origin = origin;
		this.options = options;
		this.sessionDir = sessionDir;
		this.sessions = new Session[options.sessions()];
		for (int i = 0; i < this.sessions.length; i++) {
			this.sessions[i] = new Session(i, ReplicationOrigins.sessionOrigin(origin, i));
		}
	}

	/**
	 * How many apply sessions the follow whose change directory is {@code sessionDir}
	 * applied with ({@code --apply-jobs}), or 0 when it applied with one or not yet: what
	 * a resume that does not say runs with.
	 */
	public static int recordedSessions(Path sessionDir) {
		return SessionLog.recordedSessions(sessionDir);
	}

	/**
	 * Checks, before a run starts, that the target's role may use the replication origin
	 * functions and set {@code session_replication_role} (superuser-only by default).
	 * @throws DatabaseException naming what is missing and the GRANTs that fix it
	 */
	public static void checkPrivileges(PgEndpoint target) {
		ApplySession.checkPrivileges(target);
	}

	/**
	 * The lowest flushed position of the sessions' origins: everything at or before it is
	 * applied. Read on a connection of its own, never on an apply session (whose
	 * transaction may be open).
	 */
	public Lsn originPosition() {
		Lsn lowest = null;
		try (Connection connection = this.target.connect("apply")) {
			for (Session session : this.sessions) {
				Lsn position = ReplicationOrigins.progress(connection, session.origin);
				if (position == null) {
					if (session.index == 0) {
						throw new BadStateException("replication origin \"" + this.origin + "\" does not exist on the "
								+ this.target + ": run pgcopydb stream setup (or clone --follow) first,"
								+ " or give the --origin it created");
					}
					// created by the first run with several sessions, at the first's
					// position
					continue;
				}
				if (lowest == null || position.isBefore(lowest)) {
					lowest = position;
				}
			}
		}
		catch (SQLException ex) {
			throw this.target.failure("reading the position of replication origin \"" + this.origin + "\"", ex);
		}
		if (this.log != null) {
			this.log.compact(lowest);
		}
		return lowest;
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
			closeSessions();
			throw lost.failure;
		}
		catch (TargetBehind behind) {
			closeSessions();
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
				closeSessions();
				applyBefore(readers, control, behind.readThrough);
				throw behind.failure;
			}
			catch (SessionLost lost) {
				closeSessions();
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
				closeSessions();
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
		this.bounded = true;
		try (ChangeReader reader = readers.apply(originPosition())) {
			run(reader, bounded);
		}
		catch (TargetBehind again) {
			// met again in a transaction applied alone (no end LSN at its Begin): those
			// before it are committed
			closeSessions();
		}
		catch (RuntimeException ex) {
			// --resume applies them
			closeSessions();
			logger.warn("Applying the source transactions before it failed: {}", ex.getMessage());
			return;
		}
		finally {
			this.bounded = false;
		}
		logger.info("Applied the source transactions before it, through {}", originPosition());
	}

	/**
	 * The end of a transaction a fresh reader still finds after the origin's position,
	 * not applied, and at or before {@code endpos}; null when none: "endpos reached" is
	 * then true of the files, not only of what the last reader returned.
	 */
	private Lsn unapplied(Function<Lsn, ChangeReader> readers, Lsn endpos) throws InterruptedException {
		if (!endpos.isValid()) {
			return null;
		}
		Map<Lsn, Integer> logged = (this.log != null) ? this.log.assignments() : Map.of();
		try (ChangeReader reader = readers.apply(originPosition())) {
			ChangeEvent event;
			while ((event = reader.next(Duration.ZERO)) != null) {
				if (!(event instanceof ChangeEvent.Begin)) {
					continue;
				}
				Lsn end = reader.transactionEnd();
				if (!end.isValid() || end.isAfter(endpos)) {
					return null;
				}
				if (end.isAfter(this.committed) && !committedBy(logged, end)) {
					return end;
				}
			}
			return null;
		}
	}

	/** Whether the session {@code logged} names for {@code end} has committed it. */
	private boolean committedBy(Map<Lsn, Integer> logged, Lsn end) {
		Integer index = logged.get(end);
		return index != null && !end.isAfter(this.sessions[index].committed);
	}

	private boolean run(ChangeReader reader, ApplyControl control) throws InterruptedException {
		this.control = control;
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

	/**
	 * Opens the sessions and reads where each is: the run starts after the lowest
	 * position; a transaction after it is skipped when the session it went to has
	 * committed it.
	 */
	private void start() throws SQLException {
		openLog();
		this.inFlight.clear();
		this.startedAt = new Lsn[this.sessions.length];
		Lsn lowest = null;
		for (Session session : this.sessions) {
			session.reset();
			ApplySession opened = session.session();
			session.syncQuietly();
			session.committed = opened.originPosition();
			session.queued = session.committed;
			this.startedAt[session.index] = session.committed;
			if (lowest == null || session.committed.isBefore(lowest)) {
				lowest = session.committed;
			}
		}
		Lsn endpos = this.control.endpos();
		for (Session session : this.sessions) {
			if (this.sessions.length > 1 && !this.bounded && endpos.isValid() && session.committed.isAfter(endpos)) {
				throw new BadStateException("endpos " + endpos + " is before what apply session " + (session.index + 1)
						+ " has committed already (replication origin " + session.origin + " at " + session.committed
						+ "): the target holds source transactions past it; set endpos at or after " + session.committed
						+ " (pgcopydb stream sentinel set endpos), then run again with --resume");
			}
		}
		this.floor = lowest;
		this.committed = lowest;
		this.assigned = lowest;
		this.readThrough = lowest;
		if (this.log != null) {
			Map<Lsn, Integer> logged = this.log.assignments();
			logged.keySet().removeIf((end) -> !end.isAfter(this.floor));
			this.startAssignments = logged;
		}
	}

	/**
	 * With several sessions: the session log, and the origins of the sessions after the
	 * first, made at the first's position by the first run (before the log, which says
	 * they are in use); with one, refuses a follow that applied with several.
	 */
	private void openLog() throws SQLException {
		if (this.log != null || this.sessionDir == null) {
			return;
		}
		int recorded = SessionLog.recordedSessions(this.sessionDir);
		if (this.sessions.length == 1) {
			if (recorded > 1) {
				throw new BadStateException("this follow applied with " + recorded + " apply sessions ("
						+ this.sessionDir.resolve(SessionLog.FILE) + ") and each session's origin says what it"
						+ " applied: resume with --apply-jobs " + recorded + " (or without --apply-jobs), or start over"
						+ " with --restart");
			}
			return;
		}
		if (recorded == 0) {
			try (Connection connection = this.target.connect("apply")) {
				Lsn first = ReplicationOrigins.progress(connection, this.origin);
				if (first == null) {
					throw new BadStateException("replication origin \"" + this.origin + "\" does not exist on the "
							+ this.target + ": run pgcopydb stream setup (or clone --follow) first,"
							+ " or give the --origin it created");
				}
				for (Session session : this.sessions) {
					Lsn at = (session.index > 0) ? ReplicationOrigins.progress(connection, session.origin) : null;
					if (at != null && at.isValid() && at.isAfter(first)) {
						throw new BadStateException("replication origin " + session.origin + " of an apply session"
								+ " is at " + at + ", past the follow's origin " + this.origin + " at " + first
								+ ", and --dir has no apply session log (" + this.sessionDir.resolve(SessionLog.FILE)
								+ "): what that session applied is unknown; start over with --restart");
					}
				}
				for (Session session : this.sessions) {
					if (session.index > 0) {
						ReplicationOrigins.createIfMissing(connection, session.origin);
						if (first.isValid()) {
							ReplicationOrigins.advance(connection, session.origin, first);
						}
					}
				}
			}
			catch (SQLException ex) {
				if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
					throw new DatabaseException(ExitCode.TARGET, "creating the replication origins of "
							+ this.sessions.length + " apply sessions on the " + this.target + " was refused: "
							+ SqlStates.firstLine(ex.getMessage()) + "; connect as a superuser, GRANT EXECUTE ON"
							+ " FUNCTION pg_replication_origin_create(text), pg_replication_origin_advance(text, pg_lsn)"
							+ " TO the role, or run with --apply-jobs 1", ex.getSQLState(), ex);
				}
				throw ex;
			}
			logger.info("Applying with {} sessions, replication origins {} to {}", this.sessions.length, this.origin,
					this.sessions[this.sessions.length - 1].origin);
		}
		this.log = SessionLog.open(this.sessionDir, this.sessions.length);
	}

	private boolean loop(ChangeReader reader, ApplyControl control) throws SQLException, InterruptedException {
		start();
		Transaction transaction = null;
		Lsn endpos = control.endpos();
		Lsn received = control.receivedThrough();
		while (true) {
			if (transaction == null) {
				report(control);
				for (Session session : this.sessions) {
					if (session.group.isFull(this.options)) {
						commitGroup(session, control);
					}
				}
				// a session that gets no work (every transaction conflicts with
				// another's)
				// must not hold back where a restart reads from
				advanceIdle(control, false);
				if (control.stopRequested()) {
					finish(control);
					return false;
				}
				if (!control.applyAllowed()) {
					commitAll(control);
					sync(control);
					if (!awaitApplyAllowed(control)) {
						return false;
					}
				}
				endpos = control.endpos();
				if (endpos.isValid() && !this.assigned.isBefore(endpos)) {
					finish(control);
					return true;
				}
				// read before asking the reader: if the store held everything up to
				// endpos by then, a reader with nothing to give means nothing is left
				received = control.receivedThrough();
			}
			ChangeEvent event = reader.next(Duration.ZERO);
			if (event == null) {
				if (transaction == null) {
					commitAll(control);
					// nothing to build meanwhile: wait for the commit, so that caught up
					// means applied
					sync(control);
					advanceIdle(control, false);
					// same reasoning: nothing is left up to what was received (reported
					// no further than endpos, where this follow ends)
					Lsn through = (endpos.isValid() && received.isAfter(endpos)) ? endpos : received;
					if (through.isAfter(this.assigned) && through.isAfter(this.caughtUp)) {
						this.caughtUp = through;
						control.caughtUp(through);
					}
					if (endpos.isValid() && !received.isBefore(endpos)) {
						this.endposByReceived = true;
						finish(control);
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
					finish(control);
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
				if (!transaction.skip && !commit(transaction, commit, endpos, control)) {
					return true;
				}
				transaction = null;
			}
			else if (!transaction.skip) {
				change(transaction, event);
			}
			Session streaming = (transaction != null) ? transaction.session : null;
			if (streaming != null && streaming.pending.bytes() >= this.options.batchBytes()) {
				streaming.flush();
				if (control.stopRequested()) {
					rollbackAll();
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
		if (this.sessions.length > 1 && !end.isValid()) {
			throw internal("a transaction (xid " + begin.xid() + ") whose end is not known at its Begin, which"
					+ " several apply sessions need");
		}
		if (end.isValid() && end.isAfter(this.floor) && committedBy(this.startAssignments, end, this.startedAt)) {
			return new Transaction(begin.xid(), begin.finalLsn(), end, true);
		}
		Start start = start(end, begin.finalLsn(), this.assigned, endpos);
		if (start == Start.SKIP) {
			return new Transaction(begin.xid(), begin.finalLsn(), end, true);
		}
		if (start == Start.STOP || start == Start.ALONE) {
			commitAll(control);
		}
		if (start == Start.STOP) {
			return null;
		}
		Transaction transaction = new Transaction(begin.xid(), begin.finalLsn(), end, false);
		if (this.sessions.length == 1) {
			transaction.assign(this.sessions[0]);
		}
		return transaction;
	}

	/**
	 * Whether the session the log names for {@code end} had committed it at the start.
	 */
	private static boolean committedBy(Map<Lsn, Integer> logged, Lsn end, Lsn[] positions) {
		Integer index = logged.get(end);
		return index != null && !end.isAfter(positions[index]);
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
		if (!commit.endLsn().isAfter(this.assigned)) {
			throw internal("source transaction " + transaction.xid + " ends at " + commit.endLsn()
					+ ", at or before the origin's position " + this.assigned + ", and was not skipped");
		}
		if (transaction.session == null) {
			transaction.assign(route(transaction, control));
		}
		Session session = transaction.session;
		if (endpos.isValid() && commit.endLsn().isAfter(endpos)) {
			if (session.group.transactions() > 0) {
				rollbackAll();
				throw new BadStateException("source transaction " + transaction.xid + " commits at "
						+ transaction.finalLsn + " before endpos " + endpos + " but ends at " + commit.endLsn()
						+ ", after it: set endpos to " + commit.endLsn() + " or to " + transaction.finalLsn
						+ " (pgcopydb stream sentinel set endpos), then run again with --resume");
			}
			rollbackAll();
			return false;
		}
		session.group.add(commit);
		if (this.log != null) {
			session.openKeys.addAll(transaction.keys);
			this.log.record(commit.endLsn(), session.index);
		}
		Assigned entry = new Assigned(commit.endLsn(), commit.commitTime());
		session.assigned.add(entry);
		this.inFlight.add(entry);
		this.assigned = commit.endLsn();
		this.assignedCommitTime = commit.commitTime();
		this.readThrough = commit.endLsn();
		if (session.pending.bytes() >= this.options.batchBytes()) {
			session.flush();
		}
		return true;
	}

	/**
	 * The session a transaction read whole goes to: the one whose work in flight it
	 * conflicts with; when it conflicts with several, the others commit first (and their
	 * keys are released); when with none, the one with the least work in flight. A
	 * barrier (TRUNCATE) waits for every session. A session only takes transactions
	 * ending after its origin's position (its commit could not move the origin back, and
	 * the log would then say applied what is not).
	 */
	private Session route(Transaction transaction, ApplyControl control) throws SQLException {
		report(control);
		if (transaction.keys.isBarrier()) {
			drainAll(control);
			return lowest();
		}
		List<Session> conflicting = new ArrayList<>(2);
		for (Session session : this.sessions) {
			if (session.conflictsWith(transaction.keys)) {
				conflicting.add(session);
			}
		}
		if (conflicting.size() == 1) {
			return conflicting.get(0);
		}
		if (conflicting.isEmpty()) {
			Session least = null;
			for (Session session : this.sessions) {
				if (session.queued.isBefore(transaction.end)
						&& (least == null || session.assigned.size() < least.assigned.size()
								|| (session.assigned.size() == least.assigned.size()
										&& session.queued.isBefore(least.queued)))) {
					least = session;
				}
			}
			return (least != null) ? least : lowest();
		}
		Session keep = conflicting.get(0);
		for (Session session : conflicting) {
			if (session.assigned.size() > keep.assigned.size()) {
				keep = session;
			}
		}
		for (Session session : conflicting) {
			if (session != keep) {
				commitGroup(session, control);
				session.syncQuietly();
			}
		}
		report(control);
		return keep;
	}

	/**
	 * The session whose origin is furthest behind: every transaction read ends after it.
	 */
	private Session lowest() {
		Session lowest = this.sessions[0];
		for (Session session : this.sessions) {
			if (session.queued.isBefore(lowest.queued)) {
				lowest = session;
			}
		}
		return lowest;
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
		this.rowKeys.remove(shape.id());
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
		// the catalog queries run on the first session: after what is queued on it
		Session first = this.sessions[0];
		first.syncQuietly();
		try {
			table = first.session()
				.tables()
				.resolve(shape, this.shapeChanges.getOrDefault(relationId, ShapeHistory.Change.NONE));
		}
		catch (BadStateException ex) {
			throw new TargetBehind(ex, this.readThrough);
		}
		RowStatements resolved = new RowStatements(shape, table);
		this.statements.put(relationId, resolved);
		this.rowKeys.put(relationId, new RowKeys(shape, table));
		return resolved;
	}

	private void change(Transaction transaction, ChangeEvent event) throws SQLException {
		RowStatements rows;
		BoundStatement statement;
		long relationId;
		if (event instanceof ChangeEvent.Insert insert) {
			relationId = insert.relationId();
			rows = statementsOf(relationId);
			statement = rows.insert(insert);
			if (transaction.session == null) {
				this.rowKeys.get(relationId).insert(insert, transaction.keys);
			}
		}
		else if (event instanceof ChangeEvent.Update update) {
			relationId = update.relationId();
			rows = statementsOf(relationId);
			statement = rows.update(update);
			if (transaction.session == null) {
				this.rowKeys.get(relationId).update(update, transaction.keys);
			}
		}
		else if (event instanceof ChangeEvent.Delete delete) {
			relationId = delete.relationId();
			rows = statementsOf(relationId);
			statement = rows.delete(delete);
			if (transaction.session == null) {
				this.rowKeys.get(relationId).delete(delete, transaction.keys);
			}
		}
		else if (event instanceof ChangeEvent.Truncate truncate) {
			truncate(transaction, truncate);
			return;
		}
		else {
			throw internal("an unexpected " + event.getClass().getSimpleName());
		}
		if (statement == null) {
			return;
		}
		PendingRows.Row row = new PendingRows.Row(statement, transaction.xid, transaction.finalLsn);
		String table = rows.table().qualifiedName();
		if (transaction.session != null) {
			transaction.session.add(table, row);
			return;
		}
		transaction.buffer.add(new Buffered(table, row, false));
		transaction.bufferBytes += statement.bytes();
		if (transaction.bufferBytes >= this.options.batchBytes()) {
			// larger than the memory bound: applied as it comes, alone
			serialize(transaction);
		}
	}

	private void truncate(Transaction transaction, ChangeEvent.Truncate truncate) throws SQLException {
		List<TargetTable> tables = new ArrayList<>();
		for (long relationId : truncate.relationIds()) {
			tables.add(statementsOf(relationId).table());
		}
		BoundStatement statement = RowStatements.truncate(tables, truncate.cascade(), truncate.restartIdentity());
		PendingRows.Row row = new PendingRows.Row(statement, transaction.xid, transaction.finalLsn);
		String table = tables.get(0).qualifiedName();
		if (transaction.session == null) {
			// it may cascade to any table: after every session's work
			transaction.keys.barrier();
			transaction.buffer.add(new Buffered(table, row, true));
			return;
		}
		transaction.session.truncate(table, row);
	}

	/**
	 * A transaction too large to hold goes, before its Commit, to the session whose
	 * origin is furthest behind, once every session's work is committed: it conflicts
	 * with nothing in flight then, whatever its keys.
	 */
	private void serialize(Transaction transaction) throws SQLException {
		drainAll(this.control);
		transaction.assign(lowest());
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

	/**
	 * Commits the session's open target transaction, if it holds any source transaction;
	 * with several sessions, once the log says which session has its transactions.
	 */
	private void commitGroup(Session session, ApplyControl control) throws SQLException {
		if (session.group.transactions() == 0) {
			return;
		}
		session.flush();
		if (this.log != null) {
			this.log.sync();
		}
		ApplySession opened = session.session();
		Done commit = new Done(session.group.endLsn(), session.group.commitTime(), session.group.transactions());
		session.submit(() -> {
			opened.commit(commit.endLsn(), commit.commitTime());
			session.done.add(commit);
		});
		session.queued = commit.endLsn();
		session.closeGroupKeys(commit.endLsn());
		session.group.reset();
		report(control);
	}

	private void commitAll(ApplyControl control) throws SQLException {
		for (Session session : this.sessions) {
			commitGroup(session, control);
		}
	}

	/** Commits every session's work and waits for it: nothing is in flight after. */
	private void drainAll(ApplyControl control) throws SQLException {
		commitAll(control);
		sync(control);
	}

	/**
	 * At endpos or on a stop: every session's work committed, and their origins level.
	 */
	private void finish(ApplyControl control) throws SQLException {
		drainAll(control);
		advanceIdle(control, true);
	}

	/**
	 * Moves the origin of each session with nothing in flight up to the last transaction
	 * given to any session, when it is {@link #IDLE_ORIGIN_LAG} behind or {@code always}:
	 * every transaction before that position is then applied or in another session's
	 * hands, and the sessions' lowest position, where a restart reads from and up to
	 * which change files go, moves on.
	 */
	private void advanceIdle(ApplyControl control, boolean always) throws SQLException {
		if (this.sessions.length == 1 || !this.assigned.isValid() || this.assignedCommitTime == null) {
			return;
		}
		boolean any = false;
		for (Session session : this.sessions) {
			if (session.group.transactions() > 0 || !session.assigned.isEmpty()
					|| !this.assigned.isAfter(session.queued)) {
				continue;
			}
			if (!always && this.assigned.bytesAfter(session.queued) < IDLE_ORIGIN_LAG) {
				continue;
			}
			ApplySession opened = session.session();
			Done advance = new Done(this.assigned, this.assignedCommitTime, 0);
			session.submit(() -> {
				opened.advance(advance.endLsn(), advance.commitTime());
				session.done.add(advance);
			});
			session.queued = this.assigned;
			any = true;
		}
		if (any && always) {
			sync(control);
		}
	}

	/** Reports the commits the sessions have made since the last report. */
	private void report(ApplyControl control) {
		for (Session session : this.sessions) {
			Done commit;
			while ((commit = session.done.poll()) != null) {
				session.committed = commit.endLsn();
				while (!session.assigned.isEmpty() && !session.assigned.peekFirst().end.isAfter(commit.endLsn())) {
					session.assigned.pollFirst().done = true;
				}
				session.releaseKeys(commit.endLsn());
				if (commit.transactions() > 0) {
					logger.debug("Applied {} source transaction(s) through {} (session {})", commit.transactions(),
							commit.endLsn(), session.index + 1);
				}
			}
		}
		Assigned last = null;
		while (!this.inFlight.isEmpty() && this.inFlight.peekFirst().done) {
			last = this.inFlight.pollFirst();
		}
		if (last != null) {
			this.committed = last.end;
			control.applied(last.end, last.commitTime);
		}
	}

	/** Waits for every session's pipeline, then reports their commits. */
	private void sync(ApplyControl control) throws SQLException {
		for (Session session : this.sessions) {
			session.syncQuietly();
		}
		report(control);
	}

	private void rollbackAll() throws SQLException {
		for (Session session : this.sessions) {
			session.rollback();
		}
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

	private void closeSessions() {
		for (Session session : this.sessions) {
			session.close();
		}
		Assigned last = null;
		while (!this.inFlight.isEmpty() && this.inFlight.peekFirst().done) {
			last = this.inFlight.pollFirst();
		}
		if (last != null) {
			this.committed = last.end;
		}
		this.inFlight.clear();
		this.statements.clear();
		this.rowKeys.clear();
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
		closeSessions();
		for (Session session : this.sessions) {
			session.pipeline.close();
		}
		if (this.log != null) {
			this.log.close();
			this.log = null;
		}
	}

	/**
	 * One apply session: its target connection with its own replication origin, the
	 * pipeline its statements run on, its open target transaction and pending statements,
	 * and (with several sessions) the conflict keys of its work in flight.
	 */
	private final class Session {

		private final int index;

		private final String origin;

		private final SessionPipeline pipeline;

		private ApplySession session;

		private final PendingRows pending = new PendingRows();

		private final Group group = new Group();

		/** Commits the pipeline made, not yet reported. */
		private final Queue<Done> done = new ConcurrentLinkedQueue<>();

		/** The source transactions given to this session and not yet committed. */
		private final ArrayDeque<Assigned> assigned = new ArrayDeque<>();

		/** The keys of the open target transaction. */
		private ConflictKeys openKeys = new ConflictKeys();

		/**
		 * The keys of target transactions given to the pipeline to commit, oldest first.
		 */
		private final ArrayDeque<GroupKeys> committing = new ArrayDeque<>();

		/** The origin's position as of the last commit of this session that is done. */
		private Lsn committed = Lsn.INVALID;

		/** The end of the last target transaction given to the pipeline to commit. */
		private Lsn queued = Lsn.INVALID;

		Session(int index, String origin) {
			this.index = index;
			this.origin = origin;
			this.pipeline = new SessionPipeline((index == 0) ? "apply-sql" : "apply-sql-" + (index + 1));
		}

		ApplySession session() {
			if (this.session == null) {
				try {
					this.session = ApplySession.open(ChangeApplier.this.target, this.origin,
							ChangeApplier.this.options);
				}
				catch (SQLException ex) {
					if (isSessionLost(ex)) {
						throw new SessionLost(ChangeApplier.this.target.failure("opening the apply session", ex));
					}
					throw ChangeApplier.this.target.failure("opening the apply session", ex);
				}
				if (this.index == 0) {
					ChangeApplier.this.statements.clear();
					ChangeApplier.this.rowKeys.clear();
				}
			}
			return this.session;
		}

		/** Forgets the work of a run that ended: the next starts from the origin. */
		void reset() {
			this.pending.clear();
			this.group.reset();
			this.assigned.clear();
			this.openKeys = new ConflictKeys();
			this.committing.clear();
			this.done.clear();
		}

		boolean conflictsWith(ConflictKeys keys) {
			if (this.openKeys.conflictsWith(keys)) {
				return true;
			}
			for (GroupKeys group : this.committing) {
				if (group.keys.conflictsWith(keys)) {
					return true;
				}
			}
			return false;
		}

		/** The open target transaction's keys go with its commit. */
		void closeGroupKeys(Lsn end) {
			if (ChangeApplier.this.log != null) {
				this.committing.add(new GroupKeys(end, this.openKeys));
				this.openKeys = new ConflictKeys();
			}
		}

		/** The keys of the target transactions committed through {@code end} are free. */
		void releaseKeys(Lsn end) {
			while (!this.committing.isEmpty() && !this.committing.peekFirst().end.isAfter(end)) {
				this.committing.pollFirst();
			}
		}

		void add(String table, PendingRows.Row row) {
			this.pending.add(table, row);
			this.group.addBytes(row.statement().bytes());
		}

		void truncate(String table, PendingRows.Row row) throws SQLException {
			flush();
			ApplySession opened = session();
			List<PendingRows.Row> rows = List.of(row);
			submit(() -> run(opened, table, rows));
		}

		/**
		 * Sends the pending statements: per table, per run of the same SQL, as one
		 * set-based statement where the SQL has that form and the run is long enough,
		 * else as one batch of row statements.
		 */
		void flush() throws SQLException {
			if (this.pending.isEmpty()) {
				return;
			}
			Map<String, List<PendingRows.Row>> drained = this.pending.drain();
			ApplySession opened = session();
			submit(() -> send(opened, drained));
		}

		/** Sends drained pending statements on {@code session}; runs on the pipeline. */
		private void send(ApplySession opened, Map<String, List<PendingRows.Row>> drained) throws SQLException {
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
						runSet(opened, table.getKey(), set, run);
					}
					else {
						run(opened, table.getKey(), run);
					}
					start = end;
				}
			}
		}

		void submit(SessionPipeline.Work work) throws SQLException {
			try {
				this.pipeline.submit(work);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("interrupted while the apply session's statements ran", "57014", ex);
			}
		}

		/** Waits for the pipeline; its commits are reported by the next report. */
		void syncQuietly() throws SQLException {
			try {
				this.pipeline.sync();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("interrupted while the apply session's statements ran", "57014", ex);
			}
		}

		void rollback() throws SQLException {
			this.pending.clear();
			syncQuietly();
			if (this.session != null) {
				// statements of the open target transaction may have gone out already
				this.session.rollback();
			}
			this.group.reset();
			this.openKeys = new ConflictKeys();
		}

		/** Ends the session: what its pipeline committed before stays committed. */
		void close() {
			ApplySession closing = this.session;
			this.pipeline.abandon(() -> {
				if (closing != null) {
					closing.close();
				}
			});
			this.session = null;
			Done commit;
			while ((commit = this.done.poll()) != null) {
				this.committed = commit.endLsn();
				while (!this.assigned.isEmpty() && !this.assigned.peekFirst().end.isAfter(commit.endLsn())) {
					this.assigned.pollFirst().done = true;
				}
			}
			this.queued = this.committed;
			this.pending.clear();
			this.group.reset();
			if (this.index == 0) {
				ChangeApplier.this.statements.clear();
				ChangeApplier.this.rowKeys.clear();
			}
		}

	}

	/**
	 * A target transaction a pipeline committed ({@code transactions} 0: an origin move).
	 */
	private record Done(Lsn endLsn, Instant commitTime, int transactions) {
	}

	/** A source transaction given to a session; done once its session committed it. */
	private static final class Assigned {

		private final Lsn end;

		private final Instant commitTime;

		private boolean done;

		Assigned(Lsn end, Instant commitTime) {
			this.end = end;
			this.commitTime = commitTime;
		}

	}

	/** The keys of a target transaction given to a pipeline to commit at {@code end}. */
	private record GroupKeys(Lsn end, ConflictKeys keys) {
	}

	/** A statement of a transaction not yet given to a session. */
	private record Buffered(String table, PendingRows.Row row, boolean truncate) {
	}

	/**
	 * The source transaction being read: whether it is applied already, and (with several
	 * sessions) its statements and keys until it is given to a session at its Commit.
	 */
	private final class Transaction {

		private final long xid;

		private final Lsn finalLsn;

		private final Lsn end;

		private final boolean skip;

		private Session session;

		private final List<Buffered> buffer = new ArrayList<>();

		private long bufferBytes;

		private final ConflictKeys keys = new ConflictKeys();

		Transaction(long xid, Lsn finalLsn, Lsn end, boolean skip) {
			this.xid = xid;
			this.finalLsn = finalLsn;
			this.end = end;
			this.skip = skip;
		}

		/** Gives this transaction, and what it holds so far, to {@code to}. */
		void assign(Session to) throws SQLException {
			this.session = to;
			to.group.begin();
			if (this.bufferBytes >= ChangeApplier.this.options.batchBytes()) {
				// its keys are not all known: it conflicts with everything until
				// committed
				this.keys.barrier();
			}
			for (Buffered item : this.buffer) {
				if (item.truncate()) {
					to.truncate(item.table(), item.row());
				}
				else {
					to.add(item.table(), item.row());
				}
			}
			this.buffer.clear();
		}

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
