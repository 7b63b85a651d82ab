package io.pgcopydb.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code pgcopydb clone} with connection strings as libpq users write them: Unix-domain
 * socket directories (keyword and percent-encoded URI forms) and {@code service=} names
 * from the file in PGSERVICEFILE. The test servers trust their sockets and ask for a
 * password over TCP, and no PGPASSWORD is set: a clone that works without a password went
 * through the sockets, pg_dump and pg_restore included.
 */
@ExtendWith(PostgresExtension.class)
class SocketAndServiceCloneIT {

	private static final String SCHEMA = """
			CREATE TABLE public.items (id integer PRIMARY KEY, label text NOT NULL);
			INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
			CREATE INDEX items_label ON public.items (label);
			CREATE SEQUENCE public.ticket START 42;
			SELECT nextval('public.ticket');
			""";

	@Test
	void clonesOverUnixSocketsWithoutAPassword(PgServers servers, @TempDir Path dir) {
		String db = "clone_socket";
		prepare(servers, db);
		Path sourceSocket = socketDirectory(servers.source());
		Path targetSocket = socketDirectory(servers.target());

		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source",
				String.format("host=%s port=%d dbname=%s user=%s", sourceSocket, servers.source().port(), db,
						servers.source().superuser()),
				"--target", String.format("postgres://%s@%s:%d/%s", servers.target().superuser(),
						encode(targetSocket.toString()), servers.target().port(), db),
				"--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		assertThat(run.stderr()).as("the logs name the socket directories")
			.contains("@" + encode(sourceSocket.toString()) + ":" + servers.source().port() + "/" + db)
			.contains("@" + encode(targetSocket.toString()) + ":" + servers.target().port() + "/" + db);
		CloneIT.cleanup(servers, db);
	}

	@Test
	void clonesBetweenServicesOfAServiceFile(PgServers servers, @TempDir Path dir) throws IOException {
		String db = "clone_service";
		prepare(servers, db);
		PgServer target = servers.target();
		Path serviceFile = Files.writeString(dir.resolve("pg_service.conf"), String.format("""
				# the source through its socket, the target over TCP with its password here
				[copy-source]
				host=%s
				port=%d
				dbname=%s
				user=%s

				[copy-target]
				host=%s
				port=%d
				dbname=postgres
				user=%s
				password=%s
				""", socketDirectory(servers.source()), servers.source().port(), db, servers.source().superuser(),
				target.host(), target.port(), target.superuser(), target.superuserPassword()));

		PgCopyDbRun run = PgCopyDbRun.run(
				Map.of("PGSERVICEFILE", serviceFile.toString(), "PGCOPYDB_SOURCE_PGURI", "service=copy-source"),
				"clone", "--target", "service=copy-target dbname=" + db, "--dir", dir.resolve("work").toString());

		assertThat(run.exitCode()).as(run.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, target, db);
		assertThat(run.stdout() + run.stderr()).doesNotContain(target.superuserPassword());
		CloneIT.cleanup(servers, db);
	}

	@Test
	void unknownServiceIsAOneLineUsageError(@TempDir Path dir) {
		PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGSERVICEFILE", dir.resolve("none.conf").toString()), "clone",
				"--source", "service=nope", "--target", "service=nope", "--dir", dir.resolve("work").toString());

		assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
		assertThat(run.stderr()).contains("service \"nope\" is defined in none of",
				dir.resolve("none.conf").toString());
	}

	private static void prepare(PgServers servers, String db) {
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, SCHEMA);
	}

	private static Path socketDirectory(PgServer server) {
		assumeThat(server.socketDirectory()).as("the test server's socket is reachable only in local mode").isPresent();
		return server.socketDirectory().get();
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
