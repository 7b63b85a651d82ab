package io.pgcopydb.job;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Creates the JobRepository tables (Spring Batch's own DDL for the database in use) and
 * our plan tables when they are missing, at context start, before any job runs. We do it
 * ourselves because Boot's initializer does not cover SQLite files. On a shared
 * PostgreSQL repository the tables are those of the run's schema, the sessions'
 * search_path: other runs' tables in other schemas are not looked at.
 */
class RepositorySchema implements InitializingBean {

	private final DataSource dataSource;

	RepositorySchema(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public void afterPropertiesSet() throws SQLException {
		String platform;
		boolean batchTablesExist;
		try (Connection connection = this.dataSource.getConnection()) {
			platform = connection.getMetaData().getDatabaseProductName().toLowerCase().contains("sqlite") ? "sqlite"
					: "postgresql";
			batchTablesExist = tableExists(connection, "BATCH_JOB_INSTANCE");
		}
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator();
		if (!batchTablesExist) {
			populator.addScript(new ClassPathResource("org/springframework/batch/core/schema-" + platform + ".sql"));
		}
		populator.addScript(new ClassPathResource("repository/plan-schema.sql"));
		populator.addScript(new ClassPathResource("repository/stream-schema.sql"));
		populator.execute(this.dataSource);
		addMissingColumns();
		// best effort: a shared PostgreSQL repository whose tables another role owns
		// refuses them, and runs on, only slower with tens of thousands of partitions
		ResourceDatabasePopulator indexes = new ResourceDatabasePopulator(
				new ClassPathResource("repository/batch-indexes.sql"));
		indexes.setContinueOnError(true);
		indexes.execute(this.dataSource);
	}

	/**
	 * Columns added to a plan table after a release created it: CREATE TABLE IF NOT
	 * EXISTS leaves an existing table as it was.
	 */
	private void addMissingColumns() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			if (!columnExists(connection, "PGCOPYDB_PLAN_SLICING", "SNAPSHOT_ID")) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("ALTER TABLE PGCOPYDB_PLAN_SLICING ADD COLUMN SNAPSHOT_ID VARCHAR(64)");
				}
			}
			// the index build order's estimate; a plan made before has none (NULL: in
			// the partitioner's table order)
			for (String[] column : new String[][] { { "ACCESS_METHOD", "VARCHAR(64)" }, { "INDEX_BYTES", "BIGINT" } }) {
				if (!columnExists(connection, "PGCOPYDB_PLAN_INDEX", column[0])) {
					try (Statement statement = connection.createStatement()) {
						statement.execute("ALTER TABLE PGCOPYDB_PLAN_INDEX ADD COLUMN " + column[0] + " " + column[1]);
					}
				}
			}
		}
	}

	private static boolean columnExists(Connection connection, String table, String column) throws SQLException {
		for (String[] names : new String[][] { { table, column }, { table.toLowerCase(), column.toLowerCase() } }) {
			try (ResultSet rs = connection.getMetaData().getColumns(null, connection.getSchema(), names[0], names[1])) {
				if (rs.next()) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean tableExists(Connection connection, String table) throws SQLException {
		for (String name : new String[] { table, table.toLowerCase() }) {
			try (ResultSet rs = connection.getMetaData().getTables(null, connection.getSchema(), name, null)) {
				if (rs.next()) {
					return true;
				}
			}
		}
		return false;
	}

}
