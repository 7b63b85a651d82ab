package io.pgcopydb.cdc.receive;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.postgresql.PGConnection;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.cdc.decode.Wal2JsonDecoder;
import io.pgcopydb.cdc.store.ChangeReader;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * wal2json 2.5 as installed here: {@code --wal2json-numeric-as-string} refused in one
 * line with its remedy; numeric and bigint values kept exact without that option (the
 * decoder keeps the JSON number's digits); NaN and Infinity arrive as NULL, which setup
 * warns about by naming the columns.
 */
@ExtendWith(PostgresExtension.class)
class Wal2JsonFidelityIT {

	private static final String DB = "wal2json_fidelity_it";

	private static final String SLOT = "pgcopydb_wal2json_it";

	private PgServers servers;

	private PgEndpoint source;

	private ChangeStore store;

	@BeforeEach
	void prepare(PgServers servers, @TempDir Path dir) throws SQLException {
		this.servers = servers;
		servers.source().dropDatabase(DB);
		servers.source().createDatabase(DB);
		servers.source()
			.execute(DB,
					"CREATE DOMAIN money2 AS numeric(12,2);"
							+ "CREATE TABLE exact (id int PRIMARY KEY, n numeric(40,20), b bigint, f float8, r real,"
							+ " m money2, label text)");
		this.source = new PgEndpoint(Side.SOURCE, ConnectionString.parse(servers.source().uri(DB), "--source"));
		this.store = ChangeStore.open(dir.resolve("cdc"));
		try (Connection replication = this.source.replicationConnection("test")) {
			replication.unwrap(PGConnection.class)
				.getReplicationAPI()
				.createReplicationSlot()
				.logical()
				.withSlotName(SLOT)
				.withOutputPlugin("wal2json")
				.make();
		}
	}

	@AfterEach
	void drop() {
		this.servers.source().dropDatabase(DB);
	}

	@Test
	void numericAsStringIsRefusedInOneLineWithTheRemedy() {
		this.servers.source().execute(DB, "INSERT INTO exact (id) VALUES (1)");
		LogicalReceiver receiver = receiver(true, currentLsn());

		assertThatThrownBy(() -> receiver.run(Lsn.INVALID))
			.isInstanceOfSatisfying(BadConfigException.class,
					(ex) -> assertThat(ex.exitCode()).isEqualTo(ExitCode.BAD_CONFIG))
			.hasMessageContaining("numeric-data-types-as-string")
			.hasMessageContaining("without --wal2json-numeric-as-string")
			.hasMessageContaining("upgrade wal2json")
			.message()
			.doesNotContain("\n");
	}

	@Test
	void numbersKeepEveryDigitWithoutTheOptionAndNotFiniteOnesArriveAsNull() throws Exception {
		this.servers.source()
			.execute(DB, "INSERT INTO exact VALUES"
					+ " (1, '12345678901234567890.12345678901234567890', 9223372036854775806, 0.1, 0.1, 1234567890.12, 'a'),"
					+ " (2, '-0.00000000000000000001', -9223372036854775808, 1e-300, 3.4e38, -0.01, 'b'),"
					+ " (3, 'NaN', 0, 'Infinity', '-Infinity', NULL, 'c')");
		LogicalReceiver receiver = receiver(false, currentLsn());

		assertThat(receiver.run(Lsn.INVALID)).isEqualTo(LogicalReceiver.Outcome.ENDPOS_REACHED);

		List<List<String>> rows = new ArrayList<>();
		try (ChangeReader reader = this.store.reader(Lsn.INVALID)) {
			for (ChangeEvent event = reader.next(Duration.ZERO); event != null; event = reader.next(Duration.ZERO)) {
				if (event instanceof ChangeEvent.Insert insert) {
					rows.add(insert.newRow().stream().map(Value::text).toList());
				}
			}
		}
		assertThat(rows).containsExactly(
				List.of("1", "12345678901234567890.12345678901234567890", "9223372036854775806", "0.1", "0.1",
						"1234567890.12", "a"),
				List.of("2", "-0.00000000000000000001", "-9223372036854775808", "1e-300", "3.4e+38", "-0.01", "b"),
				java.util.Arrays.asList("3", null, "0", null, null, null, "c"));
	}

	@Test
	void setupNamesTheColumnsWhoseNanAndInfinityWal2JsonSendsAsNull() throws SQLException {
		try (Connection connection = this.source.connect("test")) {
			assertThat(StreamSetup.nullWhenNotFinite(connection, FollowedTables.read(connection, Filters.NONE)))
				.containsExactly("public.exact.n", "public.exact.f", "public.exact.r", "public.exact.m");
		}
	}

	private LogicalReceiver receiver(boolean numericAsString, Lsn endpos) {
		LogicalReceiver.Control control = new LogicalReceiver.Control(() -> endpos, () -> Lsn.INVALID, () -> false,
				(write, flush) -> {
				}, () -> {
				});
		LogicalReceiver.Options options = new LogicalReceiver.Options(Duration.ofSeconds(1), Duration.ofMillis(100),
				1 << 20, 2, Duration.ofMinutes(1), Duration.ofSeconds(10));
		return new LogicalReceiver(this.source, SLOT,
				() -> new Wal2JsonDecoder(numericAsString, new SourceReplicaIdentities(this.source)),
				this.store::writer, control, options);
	}

	private Lsn currentLsn() {
		return Lsn.parse(
				StreamSetupIT.strings(this.servers.source(), DB, "SELECT pg_current_wal_insert_lsn()::text").get(0),
				"test");
	}

}
