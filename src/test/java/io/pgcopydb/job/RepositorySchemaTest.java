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
			// the index plan before its build cost was recorded
			statement.execute("CREATE TABLE PGCOPYDB_PLAN_INDEX (JOB_INSTANCE_ID BIGINT NOT NULL,"
					+ " INDEX_OID BIGINT NOT NULL, TABLE_OID BIGINT NOT NULL, SCHEMA_NAME VARCHAR(128) NOT NULL,"
					+ " TABLE_NAME VARCHAR(128) NOT NULL, INDEX_NAME VARCHAR(128) NOT NULL,"
					+ " INDEX_DEFINITION TEXT NOT NULL, CONSTRAINT_OID BIGINT NOT NULL, CONSTRAINT_NAME VARCHAR(128),"
					+ " CONSTRAINT_TYPE VARCHAR(1), CONSTRAINT_DEFINITION TEXT, IS_DEFERRABLE INTEGER NOT NULL,"
					+ " IS_DEFERRED INTEGER NOT NULL, IS_CLUSTERED INTEGER NOT NULL,"
					+ " IS_REPLICA_IDENTITY INTEGER NOT NULL, TABLESPACE_NAME VARCHAR(128), COLUMN_STATISTICS TEXT,"
					+ " PRIMARY KEY (JOB_INSTANCE_ID, INDEX_OID))");
			statement.execute("INSERT INTO PGCOPYDB_PLAN_INDEX VALUES (1, 16400, 16384, 'public', 't', 't_pkey',"
					+ " 'CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)', 0, NULL, NULL, NULL, 0, 0, 0, 0,"
					+ " NULL, NULL)");
		}

		new RepositorySchema(dataSource, new io.pgcopydb.config.WorkDirectory(dir)).afterPropertiesSet();
		new RepositorySchema(dataSource, new io.pgcopydb.config.WorkDirectory(dir)).afterPropertiesSet();

		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement.executeQuery("SELECT GENERATION, SNAPSHOT_ID FROM PGCOPYDB_PLAN_SLICING")) {
				assertThat(rs.next()).isTrue();
				assertThat(rs.getInt(1)).isEqualTo(1);
				assertThat(rs.getString(2)).isNull();
			}
			try (ResultSet rs = statement
				.executeQuery("SELECT INDEX_NAME, ACCESS_METHOD, INDEX_BYTES" + " FROM PGCOPYDB_PLAN_INDEX")) {
				assertThat(rs.next()).isTrue();
				assertThat(rs.getString(1)).isEqualTo("t_pkey");
				assertThat(rs.getString(2)).as("not known: the index builds in table order").isNull();
				assertThat(rs.getObject(3)).isNull();
			}
			try (ResultSet rs = statement
				.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'PGCOPYDB_%'")) {
				rs.next();
				// the JobRepository lookups (batch-indexes.sql) and the distributed runs'
				// request queue (remote-schema.sql)
				assertThat(rs.getInt(1)).isEqualTo(4);
			}
		}
		dataSource.destroy();
	}

}
