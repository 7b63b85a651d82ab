package io.pgcopydb.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The catalog gives each index what orders the builds: its access method and its size on
 * the source.
 */
@ExtendWith(PostgresExtension.class)
class CatalogReaderIT {

	private static final String DB = "catalog_reader";

	@Test
	void indexesComeWithTheirAccessMethodAndSize(PgServers servers) throws Exception {
		PgServer source = servers.source();
		source.dropDatabase(DB);
		source.createDatabase(DB);
		try {
			source.execute(DB, """
					CREATE TABLE public.docs (id int PRIMARY KEY, attrs jsonb);
					INSERT INTO public.docs SELECT g, jsonb_build_object('k', g) FROM generate_series(1, 20000) g;
					CREATE INDEX docs_attrs ON public.docs USING gin (attrs jsonb_path_ops);
					CREATE INDEX docs_empty ON public.docs (id) WHERE id < 0;
					""");
			source.execute(DB, "VACUUM ANALYZE public.docs");
			try (Connection connection = source.connect(DB); Statement statement = connection.createStatement()) {
				List<SourceIndex> indexes = new CatalogReader(connection).indexes();

				assertThat(indexes).extracting(SourceIndex::name, SourceIndex::accessMethod)
					.containsExactlyInAnyOrder(tuple("docs_attrs", "gin"), tuple("docs_empty", "btree"),
							tuple("docs_pkey", "btree"));
				for (SourceIndex index : indexes) {
					try (ResultSet rs = statement
						.executeQuery("SELECT pg_relation_size('public." + index.name() + "')")) {
						rs.next();
						assertThat(index.bytes()).as(index.name()).isEqualTo(rs.getLong(1)).isPositive();
					}
				}
			}
		}
		finally {
			source.dropDatabase(DB);
		}
	}

}
