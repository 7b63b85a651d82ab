package io.pgcopydb.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.schema.PgToolLocator;
import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;
import io.pgcopydb.testsupport.SampleDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clone as a role with a password given inside the connection strings (the worst case):
 * the password must reach no log line, no byte of the work directory (the JobRepository
 * file, its WAL, the lists and logs) and no child process's argv.
 */
@ExtendWith(PostgresExtension.class)
class PasswordSecrecyIT {

	private static final String ROLE = "pgcopydb_secret_role";

	/** URI-special characters, so a leak in percent-encoded form is caught too. */
	private static final String PASSWORD = "Xq7 p@ss:w/rd%Pw'9z";

	private static final String PASSWORD_ENCODED = URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
		.replace("+", "%20");

	@Test
	void passwordAppearsInNoLogNoRepositoryAndNoChildArgv(PgServers servers, @TempDir Path dir) throws IOException {
		String db = "clone_secret";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		for (var server : List.of(servers.source(), servers.target())) {
			server.execute("postgres", "DROP ROLE IF EXISTS " + ROLE);
			server.execute("postgres",
					"CREATE ROLE " + ROLE + " LOGIN SUPERUSER PASSWORD '" + PASSWORD.replace("'", "''") + "'");
		}
		Path bin = recordingToolsDirectory(dir.resolve("bin"), dir.resolve("children.log"),
				servers.source().majorVersion());
		Path work = dir.resolve("work");

		PgCopyDbRun run = PgCopyDbRun.run(Map.of(), "clone", "--source", servers.source().uri(db, ROLE, PASSWORD),
				"--target", servers.target().uri(db, ROLE, PASSWORD), "--dir", work.toString(), "--pg-bin",
				bin.toString(), "--debug");

		assertThat(run.exitCode()).as(run.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		assertThat(run.stdout()).doesNotContain(PASSWORD).doesNotContain(PASSWORD_ENCODED);
		assertThat(run.stderr()).doesNotContain(PASSWORD).doesNotContain(PASSWORD_ENCODED).contains(ROLE);
		List<String> children = Files.readAllLines(dir.resolve("children.log"));
		assertThat(children).as("pg_dump and pg_restore ran through the recording wrappers")
			.anySatisfy((line) -> assertThat(line).contains("pg_dump", "--snapshot"))
			.anySatisfy((line) -> assertThat(line).contains("pg_restore", "--use-list"))
			.noneSatisfy((line) -> assertThat(line).contains(PASSWORD))
			.noneSatisfy((line) -> assertThat(line).contains(PASSWORD_ENCODED));
		assertThat(children).filteredOn((line) -> line.contains("--dbname"))
			.allSatisfy((line) -> assertThat(line).endsWith("PGPASSWORD=set"));
		try (Stream<Path> files = Files.walk(work)) {
			List<Path> regular = files.filter(Files::isRegularFile).toList();
			assertThat(regular).contains(work.resolve("pgcopydb.db"), work.resolve("logs/pgcopydb.log"));
			for (Path file : regular) {
				String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
				assertThat(content).as(file.toString()).doesNotContain(PASSWORD).doesNotContain(PASSWORD_ENCODED);
			}
		}
		CloneIT.cleanup(servers, db);
		for (var server : List.of(servers.source(), servers.target())) {
			server.execute("postgres", "DROP ROLE IF EXISTS " + ROLE);
		}
	}

	/**
	 * The same for a shared repository's password, given in PGCOPYDB_REPOSITORY_URL: it
	 * reaches no output, no file of --dir and no row of the run's tables in the
	 * repository.
	 */
	@Test
	void repositoryPasswordAppearsInNoLogAndNoRepositoryRow(PgServers servers, @TempDir Path dir) throws Exception {
		String db = "clone_secret_repository";
		CloneIT.prepare(servers, db);
		SampleDatabase.load(servers.source(), db);
		var repository = servers.target();
		String repositoryDb = SharedRepositoryExtension.DATABASE;
		SharedRepositoryExtension.url(servers);
		repository.execute("postgres", "DROP ROLE IF EXISTS " + ROLE);
		repository.execute("postgres", "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
		repository.execute("postgres", "GRANT CREATE ON DATABASE " + repositoryDb + " TO " + ROLE);
		Path work = dir.resolve("work");
		Path bin = recordingToolsDirectory(dir.resolve("bin"), dir.resolve("children.log"),
				servers.source().majorVersion());
		String url = repository.jdbcUrl(repositoryDb) + "?user=" + ROLE + "&password=" + PASSWORD_ENCODED;

		try {
			PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGCOPYDB_REPOSITORY_URL", url, "PGCOPYDB_RUN_NAME", "secret_run"),
					"clone", "--source", servers.source().uri(db), "--target", servers.target().uri(db), "--dir",
					work.toString(), "--pg-bin", bin.toString(), "--debug");

			assertThat(run.exitCode()).as(run.toString()).isZero();
			assertThat(run.stdout()).doesNotContain(PASSWORD).doesNotContain(PASSWORD_ENCODED);
			assertThat(run.stderr()).doesNotContain(PASSWORD).doesNotContain(PASSWORD_ENCODED).contains("secret_run");
			assertThat(Files.readAllLines(dir.resolve("children.log"))).as("pg_dump and pg_restore's environment")
				.anySatisfy((line) -> assertThat(line).contains("pg_dump", "--snapshot"))
				.noneSatisfy((line) -> assertThat(line).contains("REPOSITORY-URL-INHERITED"));
			try (Stream<Path> files = Files.walk(work)) {
				for (Path file : files.filter(Files::isRegularFile).toList()) {
					String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
					assertThat(content).as(file.toString()).doesNotContain(PASSWORD).doesNotContain(PASSWORD_ENCODED);
				}
			}
			List<String> tables = CloneIT.strings(repository, repositoryDb,
					"SELECT table_name FROM information_schema.tables WHERE table_schema = 'secret_run'");
			assertThat(tables).contains("batch_job_execution_params", "batch_step_execution_context");
			for (String table : tables) {
				List<String> rows = CloneIT.strings(repository, repositoryDb,
						"SELECT coalesce(string_agg(t::text, ' '), '') FROM secret_run." + table + " t");
				assertThat(rows).as(table)
					.noneSatisfy((row) -> assertThat(row).contains(PASSWORD))
					.noneSatisfy((row) -> assertThat(row).contains(PASSWORD_ENCODED));
			}
		}
		finally {
			repository.execute(repositoryDb, "DROP SCHEMA IF EXISTS secret_run CASCADE");
			repository.execute("postgres", "REVOKE CREATE ON DATABASE " + repositoryDb + " FROM " + ROLE);
			repository.execute("postgres", "DROP ROLE IF EXISTS " + ROLE);
		}
		CloneIT.cleanup(servers, db);
	}

	/**
	 * pg_dump and pg_restore wrappers that append their argv, and whether PGPASSWORD was
	 * set (never its value), to {@code log}, then exec the real tools.
	 */
	private static Path recordingToolsDirectory(Path bin, Path log, int sourceMajor) throws IOException {
		Files.createDirectories(bin);
		Path real = realBinDirectory(sourceMajor);
		for (String tool : new String[] { "pg_dump", "pg_restore" }) {
			Path script = bin.resolve(tool);
			Files.writeString(script,
					"#!/bin/sh\n" + "if [ -n \"$PGPASSWORD\" ]; then pw=set; else pw=unset; fi\n" + "echo \"" + tool
							+ " $* ${PGCOPYDB_REPOSITORY_URL:+REPOSITORY-URL-INHERITED} PGPASSWORD=$pw\" >> '" + log
							+ "'\n" + "exec '" + real.resolve(tool) + "' \"$@\"\n");
			Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		return bin;
	}

	private static Path realBinDirectory(int sourceMajor) {
		return new PgToolLocator(null, System.getenv()).locate(sourceMajor).pgDump().path().getParent();
	}

}
