package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tutorial's "Copy Postgres users and extensions", as written: a snapshot held in the
 * background, {@code copy roles}, {@code copy extensions}, then
 * {@code clone --skip-extensions} run by a non-superuser role that {@code copy roles}
 * created (with the source's password), then the snapshot released. The extension,
 * pg_partman, keeps rows in a configuration table (pg_extension_config_dump): they must
 * arrive too.
 */
@ExtendWith(PostgresExtension.class)
class UsersAndExtensionsIT {

	private static final String APP_PASSWORD = "app-pw-7c4d";

	private static final List<String> ROLES = List.of("tut_app", "tut_reporting", "tut_existing");

	@Test
	void tutorialUsersAndExtensionsFlowWithANonSuperuserClone(PgServers servers, @TempDir Path tmp) throws Exception {
		Assumptions.assumeTrue(
				!CloneIT
					.strings(servers.target(), "postgres",
							"SELECT name FROM pg_available_extensions WHERE name = 'pg_partman'")
					.isEmpty(),
				"skipped: pg_partman is not installed on the test servers (apt-get install postgresql-15-partman)");
		String db = "tutorial_users";
		CloneIT.prepare(servers, db);
		dropRoles(servers);
		servers.source().execute("postgres", """
				CREATE ROLE tut_reporting NOLOGIN;
				CREATE ROLE tut_app LOGIN CREATEDB PASSWORD '%s' IN ROLE tut_reporting;
				ALTER ROLE tut_app SET work_mem = '8MB';
				COMMENT ON ROLE tut_app IS 'the application';
				CREATE ROLE tut_existing LOGIN NOCREATEDB;
				""".formatted(APP_PASSWORD));
		servers.target().execute("postgres", "CREATE ROLE tut_existing NOLOGIN CREATEDB");
		servers.source().createDatabase(db);
		servers.source().execute("postgres", "ALTER DATABASE " + db + " OWNER TO tut_app");
		servers.source().execute(db, """
				CREATE SCHEMA partman;
				CREATE EXTENSION pg_partman SCHEMA partman;
				INSERT INTO partman.part_config (parent_table, control, partition_type, partition_interval, premake)
				     VALUES ('public.events', 'created_at', 'native', '1 day', 7);
				SET ROLE tut_app;
				CREATE TABLE public.events (id bigint GENERATED ALWAYS AS IDENTITY, created_at timestamptz NOT NULL,
				                            payload jsonb, PRIMARY KEY (id, created_at))
				  PARTITION BY RANGE (created_at);
				CREATE TABLE public.events_2024 PARTITION OF public.events
				  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
				INSERT INTO public.events (created_at, payload)
				  SELECT '2024-01-01'::timestamptz + g * interval '1 hour', jsonb_build_object('n', g)
				    FROM generate_series(1, 2000) g;
				CREATE TABLE public.notes (id serial PRIMARY KEY, body text);
				INSERT INTO public.notes (body) SELECT 'note ' || g FROM generate_series(1, 100) g;
				""");
		Map<String, String> env = Map.of("TMPDIR", tmp.toString());
		String source = servers.source().uri(db);
		String target = servers.target().uri(db);

		// coproc ( pgcopydb snapshot --source ... )
		PgCopyDbRun.Running coproc = PgCopyDbRun.start(env, "snapshot", "--source", source);
		// pgcopydb copy roles --source ... --target ...
		PgCopyDbRun roles = PgCopyDbRun.run(env, "copy", "roles", "--source", source, "--target", target);
		assertThat(roles.exitCode()).as(roles.toString()).isZero();
		assertThat(roles.stderr()).contains("left as they are", "tut_existing").doesNotContain(APP_PASSWORD);
		// the DBA gives the application its target database, as on the source
		servers.target().execute("postgres", "ALTER DATABASE " + db + " OWNER TO tut_app");
		// pgcopydb copy extensions --source ... --target ...
		PgCopyDbRun extensions = PgCopyDbRun.run(env, "copy", "extensions", "--source", source, "--target", target);
		assertThat(extensions.exitCode()).as(extensions.toString()).isZero();
		// pgcopydb clone --skip-extensions --source ... --target ... # as a non-superuser
		PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--skip-extensions", "--source",
				servers.source().uri(db, "tut_app", APP_PASSWORD), "--target",
				servers.target().uri(db, "tut_app", APP_PASSWORD));
		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		// kill -TERM ${COPROC_PID}; wait ${COPROC_PID}
		coproc.process().destroy();
		PgCopyDbRun released = coproc.finish();
		assertThat(released.exitCode()).as(released.toString()).isZero();

		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		String hash = CloneIT
			.strings(servers.source(), "postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'tut_app'")
			.get(0);
		assertThat(hash).startsWith("SCRAM-SHA-256$");
		assertThat(Files.readString(tmp.resolve("pgcopydb").resolve("logs").resolve("pgcopydb.log")))
			.as("neither the password nor its hash is logged")
			.doesNotContain(APP_PASSWORD)
			.doesNotContain(hash);
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT e.extversion || ' in ' || n.nspname FROM pg_extension e"
						+ " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'"))
			.isEqualTo(CloneIT.strings(servers.source(), db,
					"SELECT e.extversion || ' in ' || n.nspname FROM pg_extension e"
							+ " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'"));
		String configRows = "SELECT parent_table || ' ' || control || ' ' || partition_interval || ' ' || premake"
				+ " FROM partman.part_config ORDER BY 1";
		assertThat(CloneIT.strings(servers.target(), db, configRows))
			.containsExactly("public.events created_at 1 day 7");
		String roleFacts = "SELECT r.rolname || ' login=' || r.rolcanlogin || ' createdb=' || r.rolcreatedb"
				+ " || ' config=' || coalesce(array_to_string(r.rolconfig, ','), '')"
				+ " || ' in=' || coalesce((SELECT string_agg(g.rolname, ',') FROM pg_auth_members m"
				+ " JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid), '')"
				+ " || ' comment=' || coalesce(shobj_description(r.oid, 'pg_authid'), '')"
				+ " FROM pg_roles r WHERE r.rolname IN ('tut_app', 'tut_reporting') ORDER BY 1";
		assertThat(CloneIT.strings(servers.target(), "postgres", roleFacts))
			.isEqualTo(CloneIT.strings(servers.source(), "postgres", roleFacts))
			.hasSize(2);
		assertThat(CloneIT.strings(servers.target(), "postgres",
				"SELECT rolcanlogin || ' ' || rolcreatedb FROM pg_roles WHERE rolname = 'tut_existing'"))
			.as("a role the target had is left as it was")
			.containsExactly("false true");
		try (Connection asApp = connectAs(servers.target(), db, "tut_app", APP_PASSWORD);
				Statement statement = asApp.createStatement();
				ResultSet rs = statement.executeQuery("SELECT current_user")) {
			rs.next();
			assertThat(rs.getString(1)).as("the copied password logs in on the target").isEqualTo("tut_app");
		}
		CloneIT.cleanup(servers, db);
		dropRoles(servers);
	}

	private static Connection connectAs(PgServer server, String db, String user, String password) throws Exception {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		return DriverManager.getConnection(server.jdbcUrl(db), properties);
	}

	private static void dropRoles(PgServers servers) {
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			for (String role : ROLES) {
				server.execute("postgres", "DROP ROLE IF EXISTS " + role);
			}
		}
	}

}
