package io.pgcopydb.job;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository a run opens is brought to this version's shape: a plan table an earlier
 * version created gets the columns added since, and Spring Batch's tables get the indexes
 * a run of many partitions needs.
 */
class RepositorySchemaTest {

	@Test
	void anEarlierRepositoryGetsTheNewColumnsAndIndexes(@TempDir Path dir) throws Exception {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(
				"jdbc:sqlite:" + dir.resolve("pgcopydb.db"), true);
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE PGCOPYDB_PLAN_SLICING (JOB_INSTANCE_ID BIGINT NOT NULL,"
					+ " TABLE_OID BIGINT NOT NULL, GENERATION INTEGER NOT NULL, PRIMARY KEY (JOB_INSTANCE_ID, TABLE_OID))");
			statement.execute("INSERT INTO PGCOPYDB_PLAN_SLICING VALUES (1, 16384, 1)");
		}

		new RepositorySchema(dataSource).afterPropertiesSet();
		new RepositorySchema(dataSource).afterPropertiesSet();

		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement.executeQuery("SELECT GENERATION, SNAPSHOT_ID FROM PGCOPYDB_PLAN_SLICING")) {
				assertThat(rs.next()).isTrue();
				assertThat(rs.getInt(1)).isEqualTo(1);
				assertThat(rs.getString(2)).isNull();
			}
			try (ResultSet rs = statement
				.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'PGCOPYDB_%'")) {
				rs.next();
				assertThat(rs.getInt(1)).isEqualTo(3);
			}
		}
		dataSource.destroy();
	}

}
