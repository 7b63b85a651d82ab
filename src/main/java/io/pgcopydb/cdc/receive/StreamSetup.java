package io.pgcopydb.cdc.receive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.cdc.decode.Plugin;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;

/**
 * Sets a follow up, in this order: the checks ({@link SourceChecks}); the publication(s)
 * for pgoutput, before the slot; the slot with its exported snapshot; the replication
 * origin on the target, positioned at the slot's consistent point; the
 * {@link StreamRecord} in the repository. All or nothing within the process: a failure
 * drops what this call created. A process killed in between leaves objects no record
 * names; the next setup refuses them by name with the remedy.
 * <p>
 * A resume ({@code resume}) reuses what the record names, after checking that the source
 * is the same cluster and the slot and origin still exist; it exports no snapshot.
 */
public final class StreamSetup {

	private static final Logger logger = LoggerFactory.getLogger(StreamSetup.class);

	/** How many times setup is tried while the source's tables change under it. */
	static final int SETUP_ATTEMPTS = 3;

	private final StreamRecords records;

	public StreamSetup(StreamRecords records) {
		this.records = records;
	}

	/**
	 * @param filters the run's filters: the tables followed are the source's, less those
	 * the filters leave out or whose rows they leave behind ({@link FollowedTables})
	 * @param insertOnlyAccepted {@code --insert-only-tables}
	 * @param slotWaitTimeout {@code --slot-wait-timeout}
	 * @param sourceIdentity {@code user@host:port/db} of the source, no password
	 * @param targetIdentity the same for the target
	 */
	public record Request(PgEndpoint source, PgEndpoint target, Plugin plugin, StreamNames names, Filters filters,
			boolean insertOnlyAccepted, Duration slotWaitTimeout, boolean resume, String sourceIdentity,
			String targetIdentity) {
	}

	/**
	 * What setup leaves: the record and, for a new slot, its snapshot, open until the
	 * caller closes this (once the copy is done).
	 *
	 * @param snapshot null on resume
	 * @param scope null on resume
	 */
	public record Setup(StreamRecord record, FollowScope scope, SlotSnapshot snapshot) implements AutoCloseable {

		@Override
		public void close() {
			if (this.snapshot != null) {
				this.snapshot.close();
			}
		}

	}

	public Setup setup(Request request) {
		Optional<StreamRecord> recorded = this.records.find();
		if (recorded.isPresent()) {
			if (!request.resume()) {
				throw new BadStateException("a follow is already set up in this --dir (slot " + recorded.get().slot()
						+ " on " + recorded.get().sourceIdentity() + "): continue it with --resume, or drop it with"
						+ " pgcopydb stream cleanup (or --restart)");
			}
			return resume(request, recorded.get());
		}
		if (request.resume()) {
			logger.info("No follow was set up in this --dir yet: setting one up");
		}
		for (int attempt = 1;; attempt++) {
			try {
				return create(request);
			}
			catch (TablesChanged ex) {
				if (attempt >= SETUP_ATTEMPTS) {
					throw new SourceNotReadyException("the tables to follow changed on the " + where(request.source())
							+ " while the slot was created, " + SETUP_ATTEMPTS + " times in a row (last: "
							+ ex.getMessage() + "): run again once the DDL on the source is" + " done", ex);
				}
				logger.warn("The tables to follow changed on the {} while the slot was created ({}): setting the"
						+ " follow up again", where(request.source()), ex.getMessage());
			}
		}
	}

	private Setup resume(Request request, StreamRecord record) {
		String where = where(request.source());
		try (Connection replication = request.source().replicationConnection("check");
				Connection source = request.source().connect("stream setup")) {
			String systemIdentifier = ReplicationSlots.systemIdentifier(replication);
			if (!systemIdentifier.equals(record.systemIdentifier())) {
				throw new BadStateException("the " + where + " is another cluster (system identifier "
						+ systemIdentifier + ") than the one this --dir follows (" + record.systemIdentifier() + ", "
						+ record.sourceIdentity() + "): pass the run's --source, or start over with --restart");
			}
			SourceChecks.checkServer(source, where, false);
			if (ReplicationSlots.find(source, record.slot()).isEmpty()) {
				throw new BadStateException("replication slot " + record.slot() + " of this --dir is gone from the "
						+ where + ": the changes since the copy cannot be streamed; start over with --restart");
			}
		}
		catch (SQLException ex) {
			throw request.source().failure("checking the follow of this --dir", ex);
		}
		try (Connection target = request.target().connect("stream setup")) {
			if (!ReplicationOrigins.exists(target, record.origin())) {
				throw new BadStateException("replication origin " + record.origin() + " of this --dir is gone from the "
						+ where(request.target()) + ": what was applied is unknown; start over with --restart");
			}
		}
		catch (SQLException ex) {
			throw request.target().failure("checking replication origin " + record.origin(), ex);
		}
		logger.info("Resuming the follow of slot {} (consistent point {}), origin {}", record.slot(),
				record.consistentPoint(), record.origin());
		return new Setup(record, null, null);
	}

	private Setup create(Request request) {
		StreamNames names = request.names();
		String where = where(request.source());
		boolean publishes = request.plugin().needsPublication();
		FollowScope scope;
		List<SourceTable> tables;
		try (Connection source = request.source().connect("stream setup")) {
			SourceChecks.checkServer(source, where, true);
			tables = FollowedTables.read(source, request.filters());
			scope = SourceChecks.scope(source, where, tables, request.insertOnlyAccepted());
			if (request.plugin() == Plugin.WAL2JSON) {
				List<String> columns = nullWhenNotFinite(source, tables);
				if (!columns.isEmpty()) {
					logger.warn("wal2json sends NaN and Infinity of float and numeric columns as JSON null: a NaN or"
							+ " Infinity written during the follow arrives as NULL in {} (use --plugin pgoutput to"
							+ " keep them)", SourceChecks.listing(columns));
				}
			}
			if (ReplicationSlots.find(source, names.slot()).isPresent()) {
				throw new BadStateException("replication slot " + names.slot() + " already exists on the " + where
						+ " and this --dir did not record it: drop it (stream cleanup --slot-name " + names.slot()
						+ ", or SELECT pg_drop_replication_slot('" + names.slot() + "')) or pick another --slot-name");
			}
			if (publishes) {
				for (String publication : List.of(names.publication(), names.insertOnlyPublication())) {
					if (Publications.exists(source, publication)) {
						throw new BadStateException("publication " + publication + " already exists on the " + where
								+ " and this --dir did not record it: drop it (DROP PUBLICATION) if a killed setup"
								+ " left it, or pick another --publication");
					}
				}
			}
		}
		catch (SQLException ex) {
			throw request.source().failure("checking the source for logical replication", ex);
		}
		checkOriginFree(request);
		Created created = new Created(request);
		boolean recorded = false;
		try {
			if (publishes) {
				created.publications(scope);
			}
			SlotSnapshot snapshot = SlotSnapshot.create(request.source(), names.slot(), request.plugin(),
					request.slotWaitTimeout());
			created.slot = snapshot;
			created.origin(snapshot);
			StreamRecord record = new StreamRecord(request.plugin(), names.slot(),
					publishes ? names.publication() : null,
					(publishes && !scope.insertOnly().isEmpty()) ? names.insertOnlyPublication() : null, names.origin(),
					snapshot.systemIdentifier(), request.sourceIdentity(), request.targetIdentity(),
					snapshot.consistentPoint(), snapshot.snapshotName(), Instant.now());
			this.records.save(record);
			recorded = true;
			// after the record: a kill during this check leaves a slot this --dir knows
			// (resume refuses with the remedy, stream cleanup drops it)
			checkTablesUnchanged(request, tables, snapshot);
			return new Setup(record, scope, snapshot);
		}
		catch (RuntimeException ex) {
			created.undo(ex);
			if (recorded) {
				this.records.clear();
			}
			throw ex;
		}
	}

	/**
	 * The tables were listed before the slot existed, outside its snapshot: a table
	 * created (or renamed, or dropped) in between would be copied under the snapshot but
	 * not published, its changes lost. Listed again in the slot's snapshot, they must be
	 * the same.
	 */
	private static void checkTablesUnchanged(Request request, List<SourceTable> tables, SlotSnapshot snapshot) {
		List<SourceTable> again;
		try (Connection source = request.source().connect("stream setup check")) {
			source.setAutoCommit(false);
			source.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			try (Statement statement = source.createStatement()) {
				statement.execute("SET TRANSACTION SNAPSHOT " + Identifiers.literal(snapshot.snapshotName()));
			}
			again = FollowedTables.read(source, request.filters());
			source.rollback();
		}
		catch (SQLException ex) {
			throw request.source().failure("listing the tables to follow in the slot's snapshot", ex);
		}
		Set<String> before = names(tables);
		Set<String> after = names(again);
		if (!before.equals(after)) {
			Set<String> added = new TreeSet<>(after);
			added.removeAll(before);
			Set<String> gone = new TreeSet<>(before);
			gone.removeAll(after);
			throw new TablesChanged((added.isEmpty() ? "" : "new " + withoutOids(added))
					+ ((!added.isEmpty() && !gone.isEmpty()) ? "; " : "")
					+ (gone.isEmpty() ? "" : "gone " + withoutOids(gone)));
		}
	}

	private static String withoutOids(Set<String> names) {
		return String.join(", ", names.stream().map((name) -> name.substring(name.indexOf(' ') + 1)).toList());
	}

	/** Each table as its oid and name: a table dropped and created again is a change. */
	private static Set<String> names(List<SourceTable> tables) {
		Set<String> names = new TreeSet<>();
		for (SourceTable table : tables) {
			names.add(table.oid() + " " + Identifiers.qualified(table.schema(), table.name()));
		}
		return names;
	}

	/** The tables changed between their listing and the slot's snapshot. */
	private static final class TablesChanged extends RuntimeException {

		TablesChanged(String message) {
			super(message);
		}

	}

	/**
	 * The float and numeric columns (domains over them included) of {@code tables}, as
	 * {@code schema.table.column}: where wal2json turns NaN and Infinity into null.
	 */
	static List<String> nullWhenNotFinite(Connection source, List<SourceTable> tables) throws SQLException {
		List<String> columns = new ArrayList<>();
		if (tables.isEmpty()) {
			return columns;
		}
		String sql = """
				SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname)
				  FROM pg_attribute a
				  JOIN pg_class c ON c.oid = a.attrelid
				  JOIN pg_namespace n ON n.oid = c.relnamespace
				  JOIN pg_type t ON t.oid = a.atttypid
				 WHERE a.attrelid = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped
				   AND (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)
				       IN ('float4'::regtype, 'float8'::regtype, 'numeric'::regtype)
				 ORDER BY n.nspname, c.relname, a.attnum
				""";
		try (PreparedStatement statement = source.prepareStatement(sql)) {
			statement.setArray(1, source.createArrayOf("oid", tables.stream().map(SourceTable::oid).toArray()));
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					columns.add(rows.getString(1));
				}
			}
		}
		return columns;
	}

	private void checkOriginFree(Request request) {
		String origin = request.names().origin();
		try (Connection target = request.target().connect("stream setup")) {
			if (ReplicationOrigins.exists(target, origin)) {
				throw new BadStateException("replication origin " + origin + " already exists on the "
						+ where(request.target()) + " and this --dir did not record it: another run may use it;"
						+ " drop it (SELECT pg_replication_origin_drop('" + origin + "')) or pick another --origin");
			}
		}
		catch (SQLException ex) {
			throw request.target().failure("checking replication origin " + origin, ex);
		}
	}

	static String where(PgEndpoint endpoint) {
		return endpoint.side().label() + " " + endpoint.connectionString().endpoint();
	}

	/** What this setup made so far, to drop on failure. */
	private static final class Created {

		private final Request request;

		private boolean publication;

		private boolean insertOnlyPublication;

		private SlotSnapshot slot;

		private boolean origin;

		Created(Request request) {
			this.request = request;
		}

		void publications(FollowScope scope) {
			StreamNames names = this.request.names();
			try (Connection source = this.request.source().connect("stream setup")) {
				Publications.create(source, names.publication(), scope.published(), null);
				this.publication = true;
				if (!scope.insertOnly().isEmpty()) {
					Publications.create(source, names.insertOnlyPublication(), scope.insertOnly(), "insert, truncate");
					this.insertOnlyPublication = true;
				}
				logger.info("Created publication {} of {} relation(s){}", names.publication(), scope.published().size(),
						scope.insertOnly().isEmpty() ? "" : " and insert-only publication "
								+ names.insertOnlyPublication() + " of " + scope.insertOnly().size());
			}
			catch (SQLException ex) {
				throw this.request.source().failure("creating publication " + names.publication(), ex);
			}
		}

		void origin(SlotSnapshot snapshot) {
			String name = this.request.names().origin();
			try (Connection target = this.request.target().connect("stream setup")) {
				ReplicationOrigins.createIfMissing(target, name);
				this.origin = true;
				// apply sessions' origins left by an earlier follow of the same name
				for (String stale : ReplicationOrigins.sessionOrigins(target, name)) {
					ReplicationOrigins.drop(target, stale);
				}
				ReplicationOrigins.advance(target, name, snapshot.consistentPoint());
				logger.info("Created replication origin {} on the target at {}", name, snapshot.consistentPoint());
			}
			catch (SQLException ex) {
				if (SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
					throw new DatabaseException(ExitCode.TARGET, "creating replication origin " + name + " on the "
							+ where(this.request.target()) + " needs a superuser or GRANT EXECUTE ON FUNCTION"
							+ " pg_replication_origin_create(text), pg_replication_origin_advance(text, pg_lsn),"
							+ " pg_replication_origin_progress(text, boolean), pg_replication_origin_drop(text),"
							+ " pg_replication_origin_session_setup(text), pg_replication_origin_xact_setup(pg_lsn,"
							+ " timestamp with time zone) to the target role", ex.getSQLState(), ex);
				}
				throw this.request.target().failure("creating replication origin " + name, ex);
			}
		}

		void undo(RuntimeException cause) {
			StreamNames names = this.request.names();
			if (this.slot != null) {
				this.slot.close();
			}
			try (Connection source = this.request.source().connect("stream setup")) {
				if (this.slot != null) {
					ReplicationSlots.drop(source, names.slot(), where(this.request.source()));
				}
				if (this.insertOnlyPublication) {
					Publications.drop(source, names.insertOnlyPublication());
				}
				if (this.publication) {
					Publications.drop(source, names.publication());
				}
			}
			catch (SQLException | RuntimeException ex) {
				cause.addSuppressed(ex);
			}
			if (this.origin) {
				try (Connection target = this.request.target().connect("stream setup")) {
					ReplicationOrigins.drop(target, names.origin());
				}
				catch (SQLException | RuntimeException ex) {
					cause.addSuppressed(ex);
				}
			}
		}

	}

}
