package io.pgcopydb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands around a clone, and their refusals: step commands that need one side only,
 * copy roles without passwords and by a role that may not create roles, copy extensions
 * of a version the target does not have, list extensions and collations.
 */
@ExtendWith(PostgresExtension.class)
class ObjectCommandsIT {

	@Test
	void dumpSchemaNeedsNoTargetAndRestoreNeedsNoSource(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "one_side";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, "CREATE TABLE public.t (id integer PRIMARY KEY); INSERT INTO public.t VALUES (1)");

		PgCopyDbRun dump = PgCopyDbRun.run(Map.of(), "dump", "schema", "--source", servers.source().uri(db), "--dir",
				dir.toString());
		assertThat(dump.exitCode()).as(dump.toString()).isZero();

		// the source is gone (a port nothing listens on): restore works from the archive
		String unreachable = "postgres://nobody@127.0.0.1:1/" + db;
		PgCopyDbRun restore = PgCopyDbRun.run(Map.of(), "restore", "pre-data", "--source", unreachable, "--target",
				servers.target().uri(db), "--dir", dir.toString());
		assertThat(restore.exitCode()).as(restore.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM public.t")).containsExactly("0");

		// the target the run first used is recorded then: another one is refused
		PgCopyDbRun elsewhere = PgCopyDbRun.run(Map.of(), "copy", "table-data", "--source", servers.source().uri(db),
				"--target", servers.target().uri("postgres"), "--dir", dir.toString());
		assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isEqualTo(3);
		assertThat(elsewhere.errorLines()).first().asString().contains("cannot resume: --target", "/" + db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void copyRolesWithoutPasswordsAndByARoleThatCannotCreateRoles(PgServers servers, @TempDir Path dir)
			throws Exception {
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres",
					"DROP ROLE IF EXISTS obj_pw_role; DROP ROLE IF EXISTS obj_weak; CREATE ROLE obj_weak LOGIN"
							+ " PASSWORD 'weak-pw'");
		}
		servers.source().execute("postgres", "CREATE ROLE obj_pw_role LOGIN PASSWORD 'secret-pw-1'");

		PgCopyDbRun weak = PgCopyDbRun.run(Map.of(), "copy", "roles", "--source", servers.source().uri("postgres"),
				"--target", servers.target().uri("postgres", "obj_weak", "weak-pw"), "--dir",
				dir.resolve("weak").toString());
		assertThat(weak.exitCode()).as(weak.toString()).isEqualTo(7);
		assertThat(weak.errorLines()).first().asString().contains("obj_weak", "cannot create roles", "CREATEROLE");

		PgCopyDbRun roles = PgCopyDbRun.run(Map.of(), "copy", "roles", "--no-role-passwords", "--source",
				servers.source().uri("postgres"), "--target", servers.target().uri("postgres"), "--dir",
				dir.resolve("roles").toString());
		assertThat(roles.exitCode()).as(roles.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), "postgres",
				"SELECT rolcanlogin || ' ' || (rolpassword IS NULL) FROM pg_authid WHERE rolname = 'obj_pw_role'"))
			.containsExactly("true true");
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS obj_pw_role; DROP ROLE IF EXISTS obj_weak");
		}
	}

	@Test
	void extensionVersionTheTargetLacksIsRefusedWithTheRemedies(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "obj_ext";
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source()
			.execute(db, "CREATE EXTENSION pg_trgm; CREATE COLLATION public.ci (provider = icu,"
					+ " locale = 'und-u-ks-level2', deterministic = false)");
		PgCopyDbRun requirements = PgCopyDbRun.run(Map.of(), "list", "extensions", "--requirements", "--source",
				servers.source().uri(db));
		assertThat(requirements.exitCode()).as(requirements.toString()).isZero();
		assertThat(requirements.stdout()).contains("\"name\" : \"pg_trgm\"");
		Path pinned = dir.resolve("requirements.json");
		Files.writeString(pinned, "[{\"name\": \"pg_trgm\", \"version\": \"9.9\"}]");

		PgCopyDbRun copy = PgCopyDbRun.run(Map.of(), "copy", "extensions", "--requirements", pinned.toString(),
				"--source", servers.source().uri(db), "--target", servers.target().uri(db), "--dir",
				dir.resolve("run").toString());
		assertThat(copy.exitCode()).as(copy.toString()).isEqualTo(7);
		assertThat(copy.errorLines()).first()
			.asString()
			.contains("extension pg_trgm version 9.9", "install its package", "--requirements", "--skip-extensions");

		PgCopyDbRun collations = PgCopyDbRun.run(Map.of(), "list", "collations", "--source", servers.source().uri(db));
		assertThat(collations.exitCode()).as(collations.toString()).isZero();
		assertThat(collations.stdout()).contains("public.ci", "icu");

		PgCopyDbRun clone = PgCopyDbRun.run(Map.of(), "clone", "--skip-collations", "--source",
				servers.source().uri(db), "--target", servers.target().uri(db), "--dir",
				dir.resolve("clone").toString());
		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(CloneIT.strings(servers.target(), db, "SELECT count(*) FROM pg_collation WHERE collname = 'ci'"))
			.as("--skip-collations leaves the collation out")
			.containsExactly("0");
		assertThat(CloneIT.strings(servers.target(), db, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'"))
			.containsExactly("pg_trgm");
		CloneIT.cleanup(servers, db);
	}

}
