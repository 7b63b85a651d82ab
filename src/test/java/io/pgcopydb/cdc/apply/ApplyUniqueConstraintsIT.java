package io.pgcopydb.cdc.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A value moved from one row to another across source transactions, on a table whose
 * uniqueness is not a plain column list: an expression index, a partial index, an
 * exclusion constraint. Grouped apply must keep the source's order on such a table; an
 * UPDATE compacted into an earlier one of its row would write the value back before the
 * other row gave it up, and fail with a unique (or exclusion) violation on every resume.
 */
@ExtendWith(PostgresExtension.class)
class ApplyUniqueConstraintsIT {

	private PgServers servers;

	private String db;

	private String origin;

	private PgEndpoint target;

	@BeforeEach
	void createDatabaseAndOrigin(PgServers servers) {
		this.servers = servers;
		String unique = UUID.randomUUID().toString().substring(0, 8);
		this.db = "apply_unique_" + unique;
		this.origin = "pgcopydb_apply_unique_it_" + unique;
		servers.target().createDatabase(this.db);
		servers.target().execute(this.db, "SELECT pg_replication_origin_create('" + this.origin + "')");
		this.target = new PgEndpoint(Side.TARGET,
				ConnectionString.parse(servers.target().uri(this.db), Side.TARGET.option()));
	}

	@AfterEach
	void dropDatabaseAndOrigin() {
		try {
			this.servers.target().dropOrigins(this.origin);
		}
		finally {
			this.servers.target().dropDatabase(this.db);
		}
	}

	/**
	 * Rows 1 'a' and 2 'b'; the source then sets row 2 to 'c', row 1 to 'z', row 2 to
	 * 'A': each step valid there, in that order.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "CREATE UNIQUE INDEX ON public.u (lower(v))",
			"CREATE UNIQUE INDEX ON public.u (v) WHERE v <> ''",
			"CREATE EXTENSION btree_gist; ALTER TABLE public.u ADD EXCLUDE USING gist (lower(v) WITH =)" })
	void aValueMovedBetweenRowsAcrossTransactionsAppliesInOrder(String uniqueness) throws Exception {
		this.servers.target()
			.execute(this.db, "CREATE TABLE public.u (id int PRIMARY KEY, v text);" + uniqueness + ";"
					+ "INSERT INTO public.u VALUES (1, 'a'), (2, 'b')");
		String moved = uniqueness.contains("lower") ? "A" : "a";
		ChangeApplierIT.Stream stream = new ChangeApplierIT.Stream()
			.relation(new RelationShape(1, "public", "u", 'd', List.of(key("id"), col("v"))));
		stream.transaction((tx) -> tx.add(update("2", "c")));
		stream.transaction((tx) -> tx.add(update("1", "z")));
		stream.transaction((tx) -> tx.add(update("2", moved)));

		// an endpos far after the stream: near it, each transaction is a target
		// transaction of its own (ChangeApplier.STRADDLE_MARGIN) and nothing is grouped
		Lsn far = new Lsn(stream.last().value() + 16 * ChangeApplier.STRADDLE_MARGIN);
		ChangeApplierIT.Control control = new ChangeApplierIT.Control(far, far);
		try (ChangeApplier applier = new ChangeApplier(this.target, this.origin)) {
			assertThat(applier.apply(stream.reader(applier.originPosition(), -1), control)).isTrue();
			assertThat(applier.originPosition()).isEqualTo(stream.last());
		}

		assertThat(rows()).containsExactly(List.of("1", "z"), List.of("2", moved));
	}

	private static ChangeEvent update(String id, String v) {
		return new ChangeEvent.Update(1, null, false, Arrays.asList(Value.text(id), Value.text(v)));
	}

	private List<List<String>> rows() throws SQLException {
		List<List<String>> rows = new ArrayList<>();
		try (Connection connection = this.target.connect("test");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT id, v FROM public.u ORDER BY id")) {
			while (rs.next()) {
				rows.add(List.of(rs.getString(1), rs.getString(2)));
			}
		}
		return rows;
	}

	private static RelationShape.Column key(String name) {
		return new RelationShape.Column(name, 0, null, true);
	}

	private static RelationShape.Column col(String name) {
		return new RelationShape.Column(name, 0, null, false);
	}

}
