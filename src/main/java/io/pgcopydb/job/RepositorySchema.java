package io.pgcopydb.job;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;

/**
 * Creates the JobRepository tables (Spring Batch's own DDL for the database in use) and
 * our plan tables when they are missing, at context start, before any job runs. We do it
 * ourselves because Boot's initializer does not cover SQLite files. On a shared
 * PostgreSQL repository the tables are those of the run's schema, the sessions'
 * search_path: other runs' tables in other schemas are not looked at.
 */
class RepositorySchema implements InitializingBean {

	/** Our scripts, in the order they run. */
	private static final List<String> SCRIPTS = List.of("repository/plan-schema.sql", "repository/stream-schema.sql",
			"repository/remote-schema.sql", "repository/batch-indexes.sql");

	private static final Pattern CREATED = Pattern.compile("CREATE (?:TABLE|INDEX) IF NOT EXISTS (\\w+)");

	/**
	 * Columns added to a plan table after a release created it (table, column, type):
	 * CREATE TABLE IF NOT EXISTS leaves an existing table as it was. SNAPSHOT_ID: the
	 * snapshot slices read; ACCESS_METHOD and INDEX_BYTES: the index build order's
	 * estimate (a plan made before has none: NULL, in the partitioner's table order).
	 */
	private static final List<String[]> ADDED_COLUMNS = List.of(
			new String[] { "PGCOPYDB_PLAN_SLICING", "SNAPSHOT_ID", "VARCHAR(64)" },
			new String[] { "PGCOPYDB_PLAN_INDEX", "ACCESS_METHOD", "VARCHAR(64)" },
			new String[] { "PGCOPYDB_PLAN_INDEX", "INDEX_BYTES", "BIGINT" },
			new String[] { "PGCOPYDB_REMOTE_REQUEST", "QUEUED", "VARCHAR(40)" },
			new String[] { "PGCOPYDB_REMOTE_RUN", "MANAGER_PID", "BIGINT" });

	private final DataSource dataSource;

	private final WorkDirectory workDirectory;

	RepositorySchema(DataSource dataSource, WorkDirectory workDirectory) {
		this.dataSource = dataSource;
		this.workDirectory = workDirectory;
	}

	@Override
	public void afterPropertiesSet() throws SQLException {
		String platform;
		boolean batchTablesExist;
		try (Connection connection = this.dataSource.getConnection()) {
			platform = connection.getMetaData().getDatabaseProductName().toLowerCase().contains("sqlite") ? "sqlite"
					: "postgresql";
			if (platform.equals("postgresql") && connection.getSchema() == null) {
				// the run's schema (search_path) does not exist: only a command
				// that takes the run's lease creates it
				throw new BadStateException(
						"no pgcopydb run is recorded as " + this.workDirectory.sharedRepository().schema()
								+ " in the repository: pass the run's --run-name (or the --dir it was named after)");
			}
			batchTablesExist = tableExists(connection, "BATCH_JOB_INSTANCE");
			// on PostgreSQL, CREATE ... IF NOT EXISTS checks the right to create
			// first, and CREATE INDEX locks its table before looking: a reader of a
			// shared repository (list progress from another host) must run no DDL
			// when nothing is missing
			if (platform.equals("postgresql") && batchTablesExist && complete(connection)) {
				return;
			}
		}
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator();
		if (!batchTablesExist) {
			populator.addScript(new ClassPathResource("org/springframework/batch/core/schema-" + platform + ".sql"));
		}
		populator.addScript(new ClassPathResource("repository/plan-schema.sql"));
		populator.addScript(new ClassPathResource("repository/stream-schema.sql"));
		populator.addScript(new ClassPathResource("repository/remote-schema.sql"));
		// in one transaction (SQLite and PostgreSQL both roll DDL back): a process
		// killed while creating the tables leaves none of them, not a repository whose
		// first table exists and whose others never will
		try (Connection connection = this.dataSource.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			try {
				populator.populate(connection);
				connection.commit();
			}
			catch (RuntimeException | SQLException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(autoCommit);
			}
		}
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
			for (String[] column : ADDED_COLUMNS) {
				if (!columnExists(connection, column[0], column[1])) {
					try (Statement statement = connection.createStatement()) {
						statement.execute("ALTER TABLE " + column[0] + " ADD COLUMN " + column[1] + " " + column[2]);
					}
				}
			}
		}
	}

	/**
	 * Whether every table, index and column our scripts and migrations create exists in
	 * the current schema.
	 */
	private static boolean complete(Connection connection) throws SQLException {
		for (String script : SCRIPTS) {
			String text;
			try {
				text = new ClassPathResource(script).getContentAsString(StandardCharsets.UTF_8);
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			Matcher created = CREATED.matcher(text);
			while (created.find()) {
				try (PreparedStatement statement = connection.prepareStatement(
						"SELECT pg_catalog.to_regclass(pg_catalog.quote_ident(pg_catalog.current_schema()) || '.' || ?)"
								+ " IS NOT NULL")) {
					statement.setString(1, created.group(1).toLowerCase(Locale.ROOT));
					try (ResultSet rs = statement.executeQuery()) {
						if (!rs.next() || !rs.getBoolean(1)) {
							return false;
						}
					}
				}
			}
		}
		for (String[] column : ADDED_COLUMNS) {
			if (!columnExists(connection, column[0], column[1])) {
				return false;
			}
		}
		return true;
	}

	private static boolean columnExists(Connection connection, String table, String column) throws SQLException {
		for (String[] names : new String[][] { { table, column }, { table.toLowerCase(), column.toLowerCase() } }) {
			try (ResultSet rs = connection.getMetaData()
				.getColumns(null, schemaPattern(connection), escaped(connection, names[0]),
						escaped(connection, names[1]))) {
				if (rs.next()) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean tableExists(Connection connection, String table) throws SQLException {
		for (String name : new String[] { table, table.toLowerCase() }) {
			try (ResultSet rs = connection.getMetaData()
				.getTables(null, schemaPattern(connection), escaped(connection, name), null)) {
				if (rs.next()) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The current schema as a metadata pattern (its {@code _} a wildcard no more); null,
	 * any schema, where the driver has none (SQLite).
	 */
	private static String schemaPattern(Connection connection) throws SQLException {
		String schema = connection.getSchema();
		return (schema != null) ? escaped(connection, schema) : null;
	}

	private static String escaped(Connection connection, String name) throws SQLException {
		String escape = connection.getMetaData().getSearchStringEscape();
		if (escape == null || escape.isEmpty()) {
			return name;
		}
		return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
	}

}
