package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a plain clone brings beyond tables: extension configuration rows (pg_dump keeps
 * them in the data section, which a schema-section clone would lose), roles with
 * {@code --roles}; and what it refuses before starting: a target database whose encoding
 * cannot hold the source's characters, a non-superuser target role that cannot give
 * objects their owners.
 */
@ExtendWith(PostgresExtension.class)
class CloneObjectsIT {

	@Test
	void plainCloneCopiesExtensionConfigurationRowsAndRolesWhenAsked(PgServers servers, @TempDir Path dir)
			throws Exception {
		Assumptions.assumeTrue(
				!CloneIT
					.strings(servers.target(), "postgres",
							"SELECT name FROM pg_available_extensions WHERE name = 'pg_partman'")
					.isEmpty(),
				"skipped: pg_partman is not installed on the test servers (apt-get install postgresql-15-partman)");
		String db = "clone_ext_rows";
		CloneIT.prepare(servers, db);
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS clone_roles_owner");
		}
		servers.source().execute("postgres", "CREATE ROLE clone_roles_owner NOLOGIN");
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE SCHEMA partman;
				CREATE EXTENSION pg_partman SCHEMA partman;
				INSERT INTO partman.part_config (parent_table, control, partition_type, partition_interval)
				     VALUES ('public.a', 'ts', 'native', '1 month'), ('public.b', 'ts', 'native', '1 day');
				CREATE TABLE public.owned (id integer PRIMARY KEY);
				ALTER TABLE public.owned OWNER TO clone_roles_owner;
				""");

		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--roles", "--source", servers.source().uri(db),
				"--target", servers.target().uri(db), "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT parent_table || ' ' || partition_interval FROM partman.part_config ORDER BY 1"))
			.containsExactly("public.a 1 month", "public.b 1 day");
		assertThat(CloneIT.strings(servers.target(), db,
				"SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.owned'::regclass"))
			.containsExactly("clone_roles_owner");
		CloneIT.cleanup(servers, db);
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS clone_roles_owner");
		}
	}

	@Test
	void aTargetEncodingThatLosesCharactersIsRefusedBeforeTheRun(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "clone_latin1";
		CloneIT.prepare(servers, db);
		servers.target().dropDatabase(db);
		servers.target()
			.execute("postgres",
					"CREATE DATABASE " + db + " TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
		servers.source().createDatabase(db);
		servers.source().execute(db, "CREATE TABLE public.words (w text); INSERT INTO public.words VALUES ('日本')");

		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db), "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
		assertThat(run.errorLines()).first().asString().contains("encoding LATIN1", "UTF8", "CREATE DATABASE");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM pg_class WHERE relname = 'words'"))
			.as("nothing was restored")
			.containsExactly("0");
		CloneIT.cleanup(servers, db);
	}

	@Test
	void aNonSuperuserTargetRoleIsToldWhatItCannotRestore(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "clone_nonsuper";
		CloneIT.prepare(servers, db);
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS ns_owner; DROP ROLE IF EXISTS ns_loader;"
					+ " CREATE ROLE ns_owner NOLOGIN; CREATE ROLE ns_loader LOGIN PASSWORD 'ns-pw'");
		}
		servers.target().execute("postgres", "ALTER DATABASE " + db + " OWNER TO ns_loader");
		servers.source().createDatabase(db);
		servers.source().execute(db, "CREATE TABLE public.t (id integer); ALTER TABLE public.t OWNER TO ns_owner");

		PgCopyDbRun refused = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db), "--target",
				servers.target().uri(db, "ns_loader", "ns-pw"), "--dir", dir.resolve("first").toString());

		assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(7);
		assertThat(refused.errorLines()).first().asString().contains("ns_loader", "ns_owner", "--no-owner", "GRANT");

		PgCopyDbRun noOwner = PgCopyDbRun.run(Map.of(), "clone", "--no-owner", "--source", servers.source().uri(db),
				"--target", servers.target().uri(db, "ns_loader", "ns-pw"), "--dir", dir.resolve("second").toString());

		assertThat(noOwner.exitCode()).as(noOwner.toString()).isZero();
		// compare schema as the run was made: owners left out, then the owner named
		Map<String, String> sides = CloneIT.sides(servers, db);
		PgCopyDbRun sameButOwners = PgCopyDbRun.run(sides, "compare", "schema", "--no-owner");
		assertThat(sameButOwners.exitCode()).as(sameButOwners.toString()).isZero();
		PgCopyDbRun owners = PgCopyDbRun.run(sides, "compare", "schema");
		assertThat(owners.exitCode()).as(owners.toString()).isEqualTo(10);
		assertThat(owners.stdout()).containsPattern("table +public.t +owner +ns_owner +ns_loader");
		CloneIT.cleanup(servers, db);
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS ns_owner; DROP ROLE IF EXISTS ns_loader");
		}
	}

}
