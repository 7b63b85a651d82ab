package io.pgcopydb.cdc.receive;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.ReplicaIdentities;
import io.pgcopydb.cdc.decode.ReplicaIdentities.Identity;
import io.pgcopydb.cdc.decode.TestDecodingDecoder;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replica identities the text plugins' decoders get from the source's catalog: every
 * kind, partitions, a table created during the follow, and a test_decoding stream whose
 * UPDATE names no key, decoded with them.
 */
@ExtendWith(PostgresExtension.class)
class SourceReplicaIdentitiesIT {

	private static final String DB = "replica_identities_it";

	private static final String SLOT = "replica_identities_it";

	private PgServers servers;

	@BeforeEach
	void prepare(PgServers servers) {
		this.servers = servers;
		servers.source().dropDatabase(DB);
		servers.source().createDatabase(DB);
		servers.source()
			.execute(DB, "CREATE TABLE keyed (b int, a int, v text, PRIMARY KEY (a, b));"
					+ "CREATE TABLE \"Full\" (v text, w text); ALTER TABLE \"Full\" REPLICA IDENTITY FULL;"
					+ "CREATE TABLE indexed (id int NOT NULL, code text NOT NULL, v text);"
					+ "CREATE UNIQUE INDEX indexed_code ON indexed (code);"
					+ "ALTER TABLE indexed REPLICA IDENTITY USING INDEX indexed_code;"
					+ "CREATE TABLE keyless (v text);"
					+ "CREATE TABLE nothing (id int PRIMARY KEY); ALTER TABLE nothing REPLICA IDENTITY NOTHING;"
					+ "CREATE TABLE parted (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);"
					+ "CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
					+ "CREATE TABLE dropped_col (id int PRIMARY KEY, gone int, v text);"
					+ "ALTER TABLE dropped_col DROP COLUMN gone; ALTER TABLE dropped_col REPLICA IDENTITY FULL");
	}

	@AfterEach
	void drop() {
		try {
			this.servers.source()
				.execute(DB, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
						+ " WHERE slot_name = '" + SLOT + "'");
		}
		finally {
			this.servers.source().dropDatabase(DB);
		}
	}

	@Test
	void everyKindOfIdentityIsReadFromTheCatalogAndNewTablesOnAMiss() {
		ReplicaIdentities identities = new SourceReplicaIdentities(source());
		assertThat(identities.find("public", "keyed")).contains(new Identity('d', Set.of("a", "b")));
		assertThat(identities.find("public", "Full")).contains(new Identity('f', Set.of("v", "w")));
		assertThat(identities.find("public", "indexed")).contains(new Identity('i', Set.of("code")));
		assertThat(identities.find("public", "keyless")).contains(new Identity('n', Set.of()));
		assertThat(identities.find("public", "nothing")).contains(new Identity('n', Set.of()));
		assertThat(identities.find("public", "parted")).contains(new Identity('d', Set.of("id", "at")));
		assertThat(identities.find("public", "parted_2024")).contains(new Identity('d', Set.of("id", "at")));
		assertThat(identities.find("public", "dropped_col")).contains(new Identity('f', Set.of("id", "v")));
		assertThat(identities.find("public", "no_such_table")).isEmpty();

		// created during the follow: read again on the first change that names it
		this.servers.source().execute(DB, "CREATE TABLE later (k uuid PRIMARY KEY, v text)");
		assertThat(identities.find("public", "later")).contains(new Identity('d', Set.of("k")));
	}

	@Test
	void anUpdateWithoutAnOldKeyGetsItsKeyFromTheCatalog() {
		this.servers.source().execute(DB, "INSERT INTO indexed VALUES (1, 'x', 'a')");
		this.servers.source().execute(DB, "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'test_decoding')");
		this.servers.source().execute(DB, "UPDATE indexed SET v = 'b' WHERE code = 'x'");
		List<String> lines = StreamSetupIT.strings(this.servers.source(), DB,
				"SELECT data FROM pg_logical_slot_get_changes('" + SLOT
						+ "', NULL, NULL, 'include-xids', '1', 'include-timestamp', '1')");
		TestDecodingDecoder decoder = new TestDecodingDecoder(new SourceReplicaIdentities(source()));
		List<ChangeEvent> events = new ArrayList<>();
		for (String line : lines) {
			decoder.decode(new Lsn(0x1000), ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), events::add);
		}
		Optional<ChangeEvent.Relation> relation = events.stream()
			.filter(ChangeEvent.Relation.class::isInstance)
			.map(ChangeEvent.Relation.class::cast)
			.findFirst();
		assertThat(relation).isPresent();
		assertThat(relation.get().shape().replicaIdentity()).isEqualTo('i');
		assertThat(relation.get().shape().columns()).extracting((column) -> column.name() + (column.key() ? "*" : ""))
			.containsExactly("id", "code*", "v");
	}

	private PgEndpoint source() {
		return new PgEndpoint(Side.SOURCE, ConnectionString.parse(this.servers.source().uri(DB), Side.SOURCE.option()));
	}

}
