package io.pgcopydb.job;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Creates the JobRepository tables (Spring Batch's own DDL for the database in use) and
 * our plan tables when they are missing, at context start, before any job runs. We do it
 * ourselves because Boot's initializer does not cover SQLite files.
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
		populator.addScript(new ClassPathResource("repository/batch-indexes.sql"));
		populator.addScript(new ClassPathResource("repository/plan-schema.sql"));
		populator.addScript(new ClassPathResource("repository/stream-schema.sql"));
		populator.execute(this.dataSource);
	}

	private static boolean tableExists(Connection connection, String table) throws SQLException {
		for (String name : new String[] { table, table.toLowerCase() }) {
			try (ResultSet rs = connection.getMetaData().getTables(null, null, name, null)) {
				if (rs.next()) {
					return true;
				}
			}
		}
		return false;
	}

}
