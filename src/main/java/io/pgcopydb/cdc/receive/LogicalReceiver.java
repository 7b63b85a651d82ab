package io.pgcopydb.cdc.receive;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeDecoder;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.store.ChangeWriter;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.pg.SqlStates;

/**
 * Streams a logical replication slot into the change store: read, decode, write, and
 * every {@link Options#syncEvery} (or {@link Options#syncBytes}) make it durable and tell
 * the source.
 * <p>
 * Durability contract: the flush position confirmed to the slot is the end of the last
 * complete transaction made durable by {@link ChangeWriter#sync()}; when no transaction
 * is open and everything received is durable, it is the stream's last received position,
 * which a keepalive carries past WAL that holds no change for us (PostgreSQL 15 skips
 * empty transactions), so an idle source's slot keeps advancing. The server restarts from
 * the confirmed position, so a transaction cut by a dropped connection or a crash comes
 * again whole: a reconnection opens a new writer (which drops the cut transaction) and
 * skips the transactions the store already holds (a commit before {@link #durable()}).
 * Write position = last received; replay = the target origin's position, so
 * {@code pg_stat_replication} shows write, flush and replay lag.
 * <p>
 * It stops once every transaction ending at or before endpos (read live from the
 * sentinel) is durable and the stream has reached endpos (then {@link #durable()} is at
 * or past endpos, also when the stream stopped at a transaction committing after it), or
 * on a stop request. A dropped connection is retried with backoff from the durable
 * position; after {@link Options#maxFailures} failures within
 * {@link Options#failureWindow} it fails with one line. Not thread-safe, except
 * {@link #durable()} and {@link #written()}.
 */
public final class LogicalReceiver {

	private static final Logger logger = LoggerFactory.getLogger(LogicalReceiver.class);

	private static final long IDLE_PAUSE_MILLIS = 5;

	private final PgEndpoint source;

	private final String slot;

	private final Supplier<ChangeDecoder> decoders;

	private final Supplier<ChangeWriter> writers;

	private final Control control;

	private final Options options;

	private volatile Lsn durable = Lsn.INVALID;

	private volatile Lsn written = Lsn.INVALID;

	/**
	 * @param decoders a new decoder per replication connection (its relation cache is the
	 * connection's)
	 * @param writers a new writer of the change store per connection; the writer drops a
	 * transaction the previous one left incomplete
	 */
	public LogicalReceiver(PgEndpoint source, String slot, Supplier<ChangeDecoder> decoders,
			Supplier<ChangeWriter> writers, Control control, Options options) {
		this.source = source;
		this.slot = slot;
		this.decoders = decoders;
		this.writers = writers;
		this.control = control;
		this.options = options;
	}

	/**
	 * What steers the receiver and what it reports, read and called from its thread.
	 *
	 * @param endpos the sentinel's endpos, {@link Lsn#INVALID} for none
	 * @param applied the target origin's position, reported as replay
	 * @param stop whether to stop now (SIGTERM, {@code job stop})
	 * @param progress called after each sync with (written, durable)
	 * @param diskCheck called every {@link Options#diskCheckEvery}; throws when the disk
	 * of --dir is nearly full
	 */
	public record Control(Supplier<Lsn> endpos, Supplier<Lsn> applied, BooleanSupplier stop,
			BiConsumer<Lsn, Lsn> progress, Runnable diskCheck) {
	}

	/**
	 * @param statusInterval how often PgJDBC sends status while reading
	 * @param syncEvery how often written events are made durable and confirmed
	 * @param syncBytes bytes received that force a sync sooner
	 * @param maxFailures connection failures within {@code failureWindow} before giving
	 * up
	 */
	public record Options(Duration statusInterval, Duration syncEvery, long syncBytes, int maxFailures,
			Duration failureWindow, Duration diskCheckEvery) {

		public static Options defaults() {
			return new Options(Duration.ofSeconds(1), Duration.ofMillis(200), 16L << 20, 5, Duration.ofMinutes(5),
					Duration.ofSeconds(10));
		}

	}

	public enum Outcome {

		/** Every transaction ending at or before endpos is durable in the store. */
		ENDPOS_REACHED,

		/** Stopped on request; what is durable stays, the rest comes again. */
		STOPPED

	}

	/**
	 * The position up to which the store holds every transaction, confirmed to the slot:
	 * apply's {@code receivedThrough}.
	 */
	public Lsn durable() {
		return this.durable;
	}

	/** The last position received and written (not necessarily durable). */
	public Lsn written() {
		return this.written;
	}

	/**
	 * Streams until endpos or a stop request.
	 * @param held the end of the last complete transaction the store already holds (its
	 * coverage), {@link Lsn#INVALID} for an empty store: streaming starts there and
	 * transactions ending before it are not written again
	 */
	public Outcome run(Lsn held) throws InterruptedException {
		this.durable = held;
		this.written = held;
		Deque<Long> failures = new ArrayDeque<>();
		while (true) {
			try (Session session = new Session()) {
				Outcome outcome = session.stream();
				return outcome;
			}
			catch (StreamFailure failure) {
				long now = System.nanoTime();
				failures.addLast(now);
				while (!failures.isEmpty() && now - failures.peekFirst() > this.options.failureWindow().toNanos()) {
					failures.removeFirst();
				}
				SQLException cause = failure.sqlException;
				if (failures.size() >= this.options.maxFailures()) {
					throw new DatabaseException(ExitCode.SOURCE,
							"streaming replication slot " + this.slot + " failed " + failures.size() + " times in "
									+ this.options.failureWindow().toSeconds() + " s, last at " + this.durable + ": "
									+ SqlStates.firstLine(cause.getMessage())
									+ "; check the source and its log, then run the command again with --resume",
							cause.getSQLState(), cause);
				}
				long backoff = Math.min(10_000, 500L << Math.min(5, failures.size() - 1));
				logger.warn("Replication connection for slot {} lost ({}): reconnecting in {} ms from {}", this.slot,
						SqlStates.firstLine(cause.getMessage()), backoff, this.durable);
				Thread.sleep(backoff);
			}
		}
	}

	/** A failure of the replication connection, worth a reconnection. */
	private static final class StreamFailure extends RuntimeException {

		private final transient SQLException sqlException;

		StreamFailure(SQLException cause) {
			super(cause);
			this.sqlException = cause;
		}

	}

	/** One replication connection, its decoder and writer. */
	private final class Session implements AutoCloseable {

		private final Connection connection;

		private final PGReplicationStream stream;

		private final ChangeDecoder decoder;

		private final ChangeWriter writer;

		/**
		 * Relations met while skipping a transaction held already, written with the next.
		 */
		private final List<ChangeEvent> pendingRelations = new ArrayList<>();

		private boolean skipping;

		/** The commit LSN of the open transaction (its Begin's), to decide endpos. */
		private Lsn openFinal = Lsn.INVALID;

		private long bytesSinceSync;

		private long lastSync = System.nanoTime();

		private long lastDiskCheck = System.nanoTime();

		Session() {
			this.decoder = LogicalReceiver.this.decoders.get();
			this.connection = LogicalReceiver.this.source.replicationConnection("receive " + LogicalReceiver.this.slot);
			try {
				Properties slotOptions = new Properties();
				slotOptions.putAll(this.decoder.slotOptions());
				this.stream = this.connection.unwrap(PGConnection.class)
					.getReplicationAPI()
					.replicationStream()
					.logical()
					.withSlotName(LogicalReceiver.this.slot)
					.withStartPosition(LogSequenceNumber.valueOf(LogicalReceiver.this.durable.value()))
					.withSlotOptions(slotOptions)
					.withStatusInterval((int) LogicalReceiver.this.options.statusInterval().toMillis(),
							TimeUnit.MILLISECONDS)
					.withAutomaticFlush(false)
					.start();
			}
			catch (SQLException ex) {
				closeConnection();
				refusedOption(ex);
				if (SqlStates.cause(ex, false).sessionLost() || SqlStates.isConnection(ex.getSQLState())) {
					throw new StreamFailure(ex);
				}
				throw LogicalReceiver.this.source
					.failure("starting to stream replication slot " + LogicalReceiver.this.slot, ex);
			}
			this.writer = LogicalReceiver.this.writers.get();
			logger.info("Streaming replication slot {} from {}", LogicalReceiver.this.slot,
					LogicalReceiver.this.durable);
		}

		Outcome stream() throws InterruptedException {
			try {
				while (true) {
					if (LogicalReceiver.this.control.stop().getAsBoolean()) {
						sync();
						return Outcome.STOPPED;
					}
					ByteBuffer message = this.stream.readPending();
					if (message != null) {
						this.bytesSinceSync += message.remaining();
						Lsn at = new Lsn(this.stream.getLastReceiveLSN().asLong());
						this.decoder.decode(at, message, this::accept);
						LogicalReceiver.this.written = max(LogicalReceiver.this.written, at);
					}
					long now = System.nanoTime();
					boolean due = now - this.lastSync >= LogicalReceiver.this.options.syncEvery().toNanos()
							|| this.bytesSinceSync >= LogicalReceiver.this.options.syncBytes();
					if (due) {
						sync();
					}
					if (reachedEndpos()) {
						sync();
						if (reachedEndpos()) {
							Lsn endpos = LogicalReceiver.this.control.endpos().get();
							if (LogicalReceiver.this.durable.isBefore(endpos)) {
								// stopped at a transaction that commits after endpos: as
								// transactions come in commit order, the store holds
								// every
								// one ending at or before endpos, which apply must hear
								LogicalReceiver.this.durable = endpos;
								sync();
							}
							logger.info("Reached endpos {}: streamed through {}",
									LogicalReceiver.this.control.endpos().get(), LogicalReceiver.this.durable);
							return Outcome.ENDPOS_REACHED;
						}
					}
					if (now - this.lastDiskCheck >= LogicalReceiver.this.options.diskCheckEvery().toNanos()) {
						this.lastDiskCheck = now;
						LogicalReceiver.this.control.diskCheck().run();
					}
					if (message == null) {
						Thread.sleep(IDLE_PAUSE_MILLIS);
					}
				}
			}
			catch (SQLException ex) {
				refusedOption(ex);
				if (SqlStates.cause(ex, false).sessionLost() || SqlStates.isConnection(ex.getSQLState())) {
					throw new StreamFailure(ex);
				}
				throw LogicalReceiver.this.source.failure("streaming replication slot " + LogicalReceiver.this.slot,
						ex);
			}
		}

		/**
		 * Fails with the decoder's one line when the plugin refused one of its options.
		 */
		private void refusedOption(SQLException ex) {
			String refused = this.decoder.refusedOption(ex.getMessage());
			if (refused != null) {
				throw new BadConfigException(refused, ex);
			}
		}

		/**
		 * Every transaction ending at or before endpos is durable: nothing is open and
		 * the stream (a change or a keepalive) reached endpos, or the open transaction
		 * commits after endpos (transactions come in commit order).
		 */
		private boolean reachedEndpos() {
			Lsn endpos = LogicalReceiver.this.control.endpos().get();
			if (endpos == null || !endpos.isValid()) {
				return false;
			}
			Lsn received = new Lsn(this.stream.getLastReceiveLSN().asLong());
			boolean streamPast = this.writer.inTransaction() || this.skipping ? this.openFinal.isAfter(endpos)
					: !received.isBefore(endpos);
			return streamPast && this.bytesSinceSync == 0;
		}

		private void accept(ChangeEvent event) {
			if (event instanceof ChangeEvent.Begin begin) {
				this.openFinal = begin.finalLsn();
				// a transaction whose commit starts before the end of one the store holds
				// was written before this connection (the server had not yet received
				// our confirmation); a decoder that cannot know the commit LSN at Begin
				// (INVALID) is never skipped
				this.skipping = begin.finalLsn().isValid() && begin.finalLsn().isBefore(LogicalReceiver.this.durable);
				if (!this.skipping) {
					this.writer.write(event);
					this.pendingRelations.forEach(this.writer::write);
					this.pendingRelations.clear();
				}
				return;
			}
			if (this.skipping) {
				if (event instanceof ChangeEvent.Relation) {
					this.pendingRelations.add(event);
				}
				if (event instanceof ChangeEvent.Commit) {
					this.skipping = false;
				}
				return;
			}
			this.writer.write(event);
		}

		/**
		 * Makes what was written durable and confirms it: the end of the last complete
		 * transaction, or the last received position when nothing is open.
		 */
		private void sync() throws SQLException {
			Lsn synced = this.writer.sync();
			Lsn flushed = max(LogicalReceiver.this.durable, synced);
			if (!this.writer.inTransaction() && !this.skipping) {
				flushed = max(flushed, new Lsn(this.stream.getLastReceiveLSN().asLong()));
			}
			// recorded in --dir before the slot hears of it: a resume compares the slot's
			// confirmed position with what the store says it holds
			this.writer.received(flushed);
			LogicalReceiver.this.durable = flushed;
			LogicalReceiver.this.written = max(LogicalReceiver.this.written, flushed);
			this.stream.setFlushedLSN(LogSequenceNumber.valueOf(flushed.value()));
			Lsn applied = LogicalReceiver.this.control.applied().get();
			if (applied != null && applied.isValid()) {
				this.stream.setAppliedLSN(LogSequenceNumber.valueOf(applied.value()));
			}
			this.stream.forceUpdateStatus();
			this.bytesSinceSync = 0;
			this.lastSync = System.nanoTime();
			LogicalReceiver.this.control.progress().accept(LogicalReceiver.this.written, flushed);
		}

		@Override
		public void close() {
			if (this.writer != null) {
				this.writer.close();
			}
			try {
				if (this.stream != null && !this.stream.isClosed()) {
					this.stream.close();
				}
			}
			catch (SQLException ex) {
				logger.debug("Closing the replication stream of slot {}: {}", LogicalReceiver.this.slot,
						ex.getMessage());
			}
			closeConnection();
		}

		private void closeConnection() {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				logger.debug("Closing the replication connection of slot {}: {}", LogicalReceiver.this.slot,
						ex.getMessage());
			}
		}

	}

	private static Lsn max(Lsn a, Lsn b) {
		return a.isBefore(b) ? b : a;
	}

}
