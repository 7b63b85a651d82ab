package io.pgcopydb.job.stream;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.FollowedTables;
import io.pgcopydb.cdc.receive.ReplicationSlots;
import io.pgcopydb.cdc.receive.SourceReplicaIdentities;
import io.pgcopydb.cdc.receive.StreamCleanup;
import io.pgcopydb.cdc.receive.StreamNames;
import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.receive.StreamRecords;
import io.pgcopydb.cdc.receive.StreamSetup;
import io.pgcopydb.cdc.decode.ChangeDecoder;
import io.pgcopydb.cdc.decode.PgOutputDecoder;
import io.pgcopydb.cdc.decode.ReplicaIdentities;
import io.pgcopydb.cdc.decode.TestDecodingDecoder;
import io.pgcopydb.cdc.decode.Wal2JsonDecoder;
import io.pgcopydb.cdc.receive.LogicalReceiver;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.clone.CloneRequest;

/**
 * The source side of the streaming job on {@code cdc.receive}: setup
 * ({@link StreamSetup}), the record of --dir ({@link StreamRecords}), the receiver and
 * cleanup ({@link StreamCleanup}).
 */
class SlotStreamSource implements StreamSource {

	/** How long creating the slot may wait for the source's open transactions. */
	static final Duration SLOT_WAIT = Duration.ofMinutes(10);

	private final StreamRecords records;

	SlotStreamSource(JdbcTemplate repository) {
		this.records = new StreamRecords(repository);
	}

	@Override
	public Created create(FollowRequest request) {
		StreamSetup.Setup setup = new StreamSetup(this.records).setup(setupRequest(request, false));
		return new Created(setup.record(), setup);
	}

	@Override
	public StreamRecord recorded() {
		return this.records.find().orElse(null);
	}

	@Override
	public void verify(StreamRecord recorded, FollowRequest request) {
		new StreamSetup(this.records).setup(setupRequest(request, true));
	}

	@Override
	public Lsn slotConfirmed(StreamRecord recorded, FollowRequest request) {
		try (Connection source = request.source().connect("stream resume")) {
			return ReplicationSlots.find(source, recorded.slot())
				.map(ReplicationSlots.Slot::confirmedFlush)
				.orElseThrow(() -> new BadStateException("replication slot " + recorded.slot()
						+ " of this --dir is gone from the source: start over with --restart"));
		}
		catch (SQLException ex) {
			throw request.source().failure("reading replication slot " + recorded.slot(), ex);
		}
	}

	@Override
	public boolean receive(StreamRecord recorded, FollowRequest request, ChangeStore store, ReceiveControl control)
			throws InterruptedException {
		LogicalReceiver.Control steering = new LogicalReceiver.Control(control::endpos, control::applied,
				control::stopRequested, control::received, () -> {
				});
		if (request.pgoutputStreaming()) {
			requireStreaming(request);
		}
		ReplicaIdentities identities = new SourceReplicaIdentities(request.source());
		LogicalReceiver receiver = new LogicalReceiver(request.source(), recorded.slot(),
				() -> decoder(recorded, request, identities), store::writer, steering,
				LogicalReceiver.Options.defaults());
		return receiver.run(store.held().through()) == LogicalReceiver.Outcome.ENDPOS_REACHED;
	}

	/**
	 * A new decoder for one replication connection; the text plugins learn key columns
	 * from the source's catalog, pgoutput from its Relation messages.
	 */
	static ChangeDecoder decoder(StreamRecord recorded, FollowRequest request, ReplicaIdentities identities) {
		return switch (recorded.plugin()) {
			case PGOUTPUT -> request.pgoutputStreaming()
					? new PgOutputDecoder(2, publications(recorded),
							request.workDirectory().cdcDir().resolve("streamed"))
					: new PgOutputDecoder(publications(recorded));
			case TEST_DECODING -> new TestDecodingDecoder(identities);
			case WAL2JSON -> new Wal2JsonDecoder(request.wal2jsonNumericAsString(), identities);
		};
	}

	/** Protocol 2's streaming came with PostgreSQL 14. */
	private static void requireStreaming(FollowRequest request) {
		int version;
		try (Connection source = request.source().connect("stream receive")) {
			version = source.getMetaData().getDatabaseMajorVersion();
		}
		catch (SQLException ex) {
			throw request.source().failure("reading the server version", ex);
		}
		if (version < 14) {
			throw new BadArgumentsException("--pgoutput-streaming needs a source on PostgreSQL 14 or later, and the "
					+ request.source().side().label() + " " + request.source().connectionString().endpoint()
					+ " runs PostgreSQL " + version + ": leave the option out");
		}
	}

	private static List<String> publications(StreamRecord recorded) {
		List<String> names = new ArrayList<>();
		if (recorded.publication() != null) {
			names.add(recorded.publication());
		}
		if (recorded.insertOnlyPublication() != null) {
			names.add(recorded.insertOnlyPublication());
		}
		return names;
	}

	@Override
	public void cleanup(StreamRecord recorded, FollowRequest request) {
		new StreamCleanup(this.records).cleanup(request.source(), request.target(), names(request),
				request.workDirectory());
	}

	private static StreamSetup.Request setupRequest(FollowRequest request, boolean resume) {
		return new StreamSetup.Request(request.source(), request.target(), request.plugin(), names(request),
				request.filters(), request.insertOnly(), SLOT_WAIT, resume, CloneRequest.identity(request.source()),
				CloneRequest.identity(request.target()));
	}

	private static StreamNames names(FollowRequest request) {
		return StreamNames.of(request.workDirectory().root(), request.slotName(), request.publication(),
				request.origin());
	}

}
