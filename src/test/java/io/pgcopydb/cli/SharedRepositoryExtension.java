package io.pgcopydb.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a test class's commands with their runs kept in a PostgreSQL repository
 * ({@code PGCOPYDB_REPOSITORY_URL}) instead of the file in --dir: a subclass of a resume
 * or job-control test with this extension passes the same tests on the shared repository.
 * The repository is a database of the target server; each run is a schema there, named
 * after its --dir.
 */
class SharedRepositoryExtension implements BeforeAllCallback, AfterAllCallback {

	static final String DATABASE = "pgcopydb_repository";

	private static final String RUNS = "SELECT table_schema FROM information_schema.tables"
			+ " WHERE table_name = 'batch_job_instance' ORDER BY 1";

	private List<String> before;

	@Override
	public void beforeAll(ExtensionContext context) throws SQLException {
		PgServers servers = PostgresExtension.servers(context);
		PgCopyDbRun.setClassEnvironment(Map.of("PGCOPYDB_REPOSITORY_URL", url(servers)));
		this.before = CloneIT.strings(servers.target(), DATABASE, RUNS);
	}

	/**
	 * Checks that the class's runs were kept in the repository (one schema per run), then
	 * drops their schemas.
	 */
	@Override
	public void afterAll(ExtensionContext context) throws SQLException {
		PgCopyDbRun.setClassEnvironment(null);
		PgServer server = PostgresExtension.servers(context).target();
		List<String> runs = new ArrayList<>(CloneIT.strings(server, DATABASE, RUNS));
		runs.removeAll(this.before);
		for (String run : runs) {
			server.execute(DATABASE, "DROP SCHEMA " + run + " CASCADE");
		}
		assertThat(runs).as("runs recorded in the repository by " + context.getDisplayName()).isNotEmpty();
	}

	/**
	 * The repository's URL in the JDBC form, with the password in it (the variable is not
	 * on any command line); the database is created on first use.
	 */
	static String url(PgServers servers) {
		PgServer server = servers.target();
		try {
			if (CloneIT.strings(server, "postgres", "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")
				.isEmpty()) {
				server.createDatabase(DATABASE);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create the repository database " + DATABASE, ex);
		}
		return server.jdbcUrl(DATABASE) + "?user=" + encode(server.superuser()) + "&password="
				+ encode(server.superuserPassword());
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
