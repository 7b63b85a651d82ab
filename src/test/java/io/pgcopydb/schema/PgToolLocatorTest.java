package io.pgcopydb.schema;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

class PgToolLocatorTest {

	@TempDir
	Path tmp;

	@Test
	void versionLinesOfReleasesAndDevelopmentBuildsParse() {
		Path path = Path.of("/x/pg_dump");
		assertThat(PgTool.fromVersionLine("pg_dump", path, "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"))
			.contains(new PgTool("pg_dump", path, 15, "15.18"));
		assertThat(PgTool.fromVersionLine("pg_dump", path, "pg_dump (PostgreSQL) 17devel"))
			.contains(new PgTool("pg_dump", path, 17, "17devel"));
		assertThat(PgTool.fromVersionLine("pg_dump", path, "pg_dump (PostgreSQL) 16beta2"))
			.contains(new PgTool("pg_dump", path, 16, "16beta2"));
		assertThat(PgTool.fromVersionLine("pg_dump", path, "pg_dump (PostgreSQL) 9.6.24"))
			.contains(new PgTool("pg_dump", path, 9, "9.6.24"));
		assertThat(PgTool.fromVersionLine("pg_dump", path, "pg_dump (PostgreSQL) 18.1 (Homebrew)"))
			.contains(new PgTool("pg_dump", path, 18, "18.1"));
		assertThat(PgTool.fromVersionLine("pg_dump", path, "pg_dump: command not found")).isEmpty();
	}

	@Test
	void pgBinOptionIsUsedAloneEvenWhenPathHasNewerTools() throws IOException {
		Path chosen = tools("chosen", "16.4");
		Path newer = tools("newer", "18.1");
		PgTools tools = locator(chosen, Map.of("PATH", path(newer), "PGCOPYDB_PG_BIN", newer.toString())).locate(16);
		assertThat(tools.pgDump()).isEqualTo(new PgTool("pg_dump", chosen.resolve("pg_dump"), 16, "16.4"));
		assertThat(tools.pgRestore()).isEqualTo(new PgTool("pg_restore", chosen.resolve("pg_restore"), 16, "16.4"));
		assertThat(tools.binDir()).isEqualTo(chosen);
	}

	@Test
	void pgBinOptionOlderThanTheSourceIsRefused() throws IOException {
		Path old = tools("old", "15.18");
		assertThatExceptionOfType(BadConfigException.class)
			.isThrownBy(() -> locator(old, Map.of("PATH", path(tools("newer", "17.2")))).locate(17))
			.withMessage("pg_dump 15.18 at " + old.resolve("pg_dump")
					+ " is older than the source server (PostgreSQL 17): pg_dump must be 17 or newer;"
					+ " install it (postgresql-client-17) and pass --pg-bin <its bin directory>")
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ExitCode.BAD_CONFIG));
	}

	@Test
	void pgBinOptionWithoutToolsIsRefused() throws IOException {
		Path empty = Files.createDirectories(this.tmp.resolve("empty"));
		assertThatExceptionOfType(BadConfigException.class)
			.isThrownBy(() -> locator(empty, Map.of("PATH", path(tools("good", "17.2")))).locate(17))
			.withMessage("pg_dump not found in --pg-bin " + empty
					+ ": install the PostgreSQL client tools (postgresql-client-17)"
					+ " and pass their bin directory to --pg-bin");
	}

	@Test
	void pgBinOptionWithoutPgRestoreIsRefused() throws IOException {
		Path dir = tools("dump-only", "17.2");
		Files.delete(dir.resolve("pg_restore"));
		assertThatExceptionOfType(BadConfigException.class).isThrownBy(() -> locator(dir, Map.of()).locate(17))
			.withMessageStartingWith("pg_restore not found in --pg-bin " + dir + ": ");
	}

	@Test
	void pgBinOptionWithPgRestoreOlderThanPgDumpNamesPgRestore() throws IOException {
		Path dir = tools("mixed", "17.2");
		script(dir.resolve("pg_restore"), "echo 'pg_restore (PostgreSQL) 16.0'");
		assertThatExceptionOfType(BadConfigException.class).isThrownBy(() -> locator(dir, Map.of()).locate(17))
			.withMessageStartingWith("pg_restore 16.0 at " + dir.resolve("pg_restore") + " is older than");
	}

	@Test
	void pgBinOptionWhoseToolFailsIsRefusedWithTheReason() throws IOException {
		Path dir = tools("broken", "17.2");
		script(dir.resolve("pg_dump"), "echo 'error while loading shared libraries: libpq.so.5' >&2; exit 127");
		assertThatExceptionOfType(BadConfigException.class).isThrownBy(() -> locator(dir, Map.of()).locate(17))
			.withMessageContaining("pg_dump --version failed with exit code 127: error while loading shared libraries")
			.withMessageContaining("--pg-bin " + dir + " must hold working PostgreSQL client tools");
	}

	@Test
	void pgcopydbPgBinEnvironmentVariableIsUsedAlone() throws IOException {
		Path chosen = tools("chosen", "16.4");
		Path newer = tools("newer", "18.1");
		Map<String, String> env = Map.of("PGCOPYDB_PG_BIN", chosen.toString(), "PATH", path(newer));
		assertThat(locator(null, env).locate(15).binDir()).isEqualTo(chosen);
		assertThatExceptionOfType(BadConfigException.class).isThrownBy(() -> locator(null, env).locate(17))
			.withMessageEndingWith("install it (postgresql-client-17) and set PGCOPYDB_PG_BIN to its bin directory");
	}

	@Test
	void searchPicksTheNewestMajorThatIsNewEnough() throws IOException {
		Map<String, String> env = Map.of("PATH",
				path(tools("a", "15.18"), tools("b", "17.2"), tools("c", "16.4"), this.tmp.resolve("missing")));
		PgTools tools = locator(null, env).locate(15);
		assertThat(tools.binDir()).isEqualTo(this.tmp.resolve("b"));
		assertThat(tools.pgDump().version()).isEqualTo("17.2");
	}

	@Test
	void searchPrefersTheEarlierDirectoryWhenMajorsTie() throws IOException {
		Map<String, String> env = Map.of("PATH", path(tools("first", "16.1"), tools("second", "16.4")));
		assertThat(locator(null, env).locate(16).binDir()).isEqualTo(this.tmp.resolve("first"));
	}

	@Test
	void searchTakesBothToolsFromOneDirectory() throws IOException {
		Path dumpOnly = tools("dump-only", "18.1");
		Files.delete(dumpOnly.resolve("pg_restore"));
		Path broken = tools("broken", "18.1");
		script(broken.resolve("pg_restore"), "exit 1");
		Map<String, String> env = Map.of("PATH", path(dumpOnly, broken, tools("pair", "16.4")));
		assertThat(locator(null, env).locate(16).binDir()).isEqualTo(this.tmp.resolve("pair"));
	}

	@Test
	void pgConfigBinDirComesBeforePath() throws IOException {
		Path configured = tools("configured", "17.2");
		Path pgConfigDir = Files.createDirectories(this.tmp.resolve("config"));
		script(pgConfigDir.resolve("pg_config"), "echo " + configured);
		Map<String, String> env = Map.of("PATH", path(tools("onpath", "17.2"), pgConfigDir));
		assertThat(locator(null, env).locate(17).binDir()).isEqualTo(configured);
	}

	@Test
	void installDirectoriesAreSearchedAfterPath() throws IOException {
		tools("pg/14/bin", "14.11");
		tools("pg/16/bin", "16.4");
		String pattern = this.tmp.resolve("pg") + "/*/bin";
		PgToolLocator locator = new PgToolLocator(null, Map.of("PATH", ""), List.of(pattern));
		assertThat(locator.locate(14).binDir()).isEqualTo(this.tmp.resolve("pg/16/bin"));
		assertThat(PgToolLocator.expand(pattern)).containsExactly(this.tmp.resolve("pg/14/bin"),
				this.tmp.resolve("pg/16/bin"));
	}

	@Test
	void nothingFoundNamesWhereWeLookedAndTheRemedy() {
		String pattern = this.tmp.resolve("none") + "/*/bin";
		PgToolLocator locator = new PgToolLocator(null, Map.of("PATH", this.tmp.toString()), List.of(pattern));
		assertThatExceptionOfType(BadConfigException.class).isThrownBy(() -> locator.locate(16))
			.withMessage("pg_dump not found in pg_config --bindir, PATH or " + pattern
					+ ": install the PostgreSQL client tools (postgresql-client-16) or pass --pg-bin");
	}

	@Test
	void onlyOldToolsFoundNamesTheNewestOfThem() throws IOException {
		Map<String, String> env = Map.of("PATH", path(tools("a", "14.11"), tools("b", "15.18"), tools("c", "13.2")));
		assertThatExceptionOfType(BadConfigException.class).isThrownBy(() -> locator(null, env).locate(17))
			.withMessage("pg_dump 15.18 at " + this.tmp.resolve("b/pg_dump")
					+ " is older than the source server (PostgreSQL 17): pg_dump must be 17 or newer;"
					+ " install it (postgresql-client-17) and pass --pg-bin <its bin directory>");
	}

	@Test
	void systemPostgresqlClientToolsAreFound() {
		Path bin = Path.of("/usr/lib/postgresql/15/bin");
		assumeThat(bin.resolve("pg_dump")).as("PostgreSQL 15 client tools installed").isExecutable();
		PgTools tools = new PgToolLocator(null, Map.of("PATH", "")).locate(15);
		assertThat(tools.pgDump().major()).isGreaterThanOrEqualTo(15);
		assertThat(tools.pgDump().version()).matches("\\d+\\.\\d+");
		assertThat(tools.pgRestore().path().getParent()).isEqualTo(tools.pgDump().path().getParent());
	}

	private PgToolLocator locator(Path pgBin, Map<String, String> env) {
		return new PgToolLocator(pgBin, env, List.of());
	}

	/** A directory holding fake pg_dump and pg_restore that print the given version. */
	private Path tools(String name, String version) throws IOException {
		Path dir = Files.createDirectories(this.tmp.resolve(name));
		script(dir.resolve("pg_dump"), "echo 'pg_dump (PostgreSQL) " + version + "'");
		script(dir.resolve("pg_restore"), "echo 'pg_restore (PostgreSQL) " + version + "'");
		return dir;
	}

	static void script(Path file, String body) throws IOException {
		Files.writeString(file, "#!/bin/sh\n" + body + "\n");
		assertThat(file.toFile().setExecutable(true)).isTrue();
	}

	private static String path(Path... dirs) {
		return Arrays.stream(dirs).map(Path::toString).collect(Collectors.joining(File.pathSeparator));
	}

}
