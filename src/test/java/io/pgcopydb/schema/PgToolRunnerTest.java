package io.pgcopydb.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgToolException;
import io.pgcopydb.error.StoppedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class PgToolRunnerTest {

	@TempDir
	Path tmp;

	private final PgToolRunner runner = new PgToolRunner();

	@Test
	void runAppendsHeaderStdoutAndStderrToTheLogFile() throws IOException {
		Path tool = tool("fake_dump", "echo \"out $1\"; echo 'pg_dump: warning: something odd' >&2");
		Path log = this.tmp.resolve("logs/dump.log");
		this.runner.run("pg_dump pre-data", List.of(tool.toString(), "first arg"), Map.of(), log);
		this.runner.run("pg_dump post-data", List.of(tool.toString(), "second"), Map.of(), log);
		assertThat(Files.readAllLines(log)).containsExactly("== pg_dump pre-data ==", tool + " 'first arg'",
				"out first arg", "pg_dump: warning: something odd", "== pg_dump pre-data: exit code 0 ==",
				"== pg_dump post-data ==", tool + " second", "out second", "pg_dump: warning: something odd",
				"== pg_dump post-data: exit code 0 ==");
	}

	@Test
	void outputReturnsStdoutAndLogsOnlyStderr() throws IOException {
		Path tool = tool("fake_restore", "printf '1; 0 0 TABLE public t postgres\\n'; echo 'noise' >&2");
		Path log = this.tmp.resolve("list.log");
		String output = this.runner.output("pg_restore --list", List.of(tool.toString()), Map.of(), log);
		assertThat(output).isEqualTo("1; 0 0 TABLE public t postgres\n");
		assertThat(Files.readString(log)).contains("noise").doesNotContain("TABLE public t");
	}

	@Test
	void passwordReachesTheChildOnlyThroughItsEnvironment() throws IOException {
		Path tool = tool("fake_env", "printf '%s' \"$PGPASSWORD\"");
		Path log = this.tmp.resolve("env.log");
		String output = this.runner.output("pg_dump", List.of(tool.toString(), "--dbname=postgres://u@host/db"),
				Map.of("PGPASSWORD", "s3cr3t-pw"), log);
		assertThat(output).isEqualTo("s3cr3t-pw");
		assertThat(Files.readString(log)).doesNotContain("s3cr3t-pw");
	}

	@Test
	void failureNamesTheErrorLineAndTheLogFile() throws IOException {
		Path tool = tool("fake_restore", """
				echo 'pg_restore: error: could not execute query: ERROR:  relation "actor" already exists' >&2
				echo 'Command was: CREATE TABLE public.actor (id integer);' >&2
				echo 'pg_restore: warning: errors ignored on restore: 1' >&2
				echo '' >&2
				exit 1""");
		Path log = this.tmp.resolve("restore.log");
		assertThatExceptionOfType(PgToolException.class)
			.isThrownBy(() -> this.runner.run("pg_restore pre-data", List.of(tool.toString()), Map.of(), log))
			.withMessage("pg_restore pre-data failed with exit code 1: pg_restore: error: could not execute query:"
					+ " ERROR:  relation \"actor\" already exists; see " + log)
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ExitCode.PG_TOOL));
		assertThat(Files.readString(log)).contains("Command was: CREATE TABLE public.actor",
				"== pg_restore pre-data: exit code 1 ==");
	}

	@Test
	void lockTableFullNamesTheSettingToRaise() throws IOException {
		Path tool = tool("fake_dump", """
				echo 'pg_dump: error: query failed: ERROR:  out of shared memory' >&2
				echo 'HINT:  You might need to increase max_locks_per_transaction.' >&2
				exit 1""");
		Path log = this.tmp.resolve("dump.log");
		assertThatExceptionOfType(PgToolException.class)
			.isThrownBy(() -> this.runner.run("pg_dump --section=pre-data", List.of(tool.toString()), Map.of(), log))
			.withMessageContaining("ERROR:  out of shared memory (pg_dump locks every table")
			.withMessageContaining("raise max_locks_per_transaction on that server")
			.withMessageEndingWith("--resume); see " + log);
	}

	@Test
	void failureWithoutAnErrorLineNamesTheLastLine() throws IOException {
		Path tool = tool("fake_dump", "echo 'first words' >&2; echo 'last words' >&2; echo >&2; exit 3");
		Path log = this.tmp.resolve("dump.log");
		assertThatExceptionOfType(PgToolException.class)
			.isThrownBy(() -> this.runner.run("pg_dump", List.of(tool.toString()), Map.of(), log))
			.withMessage("pg_dump failed with exit code 3: last words; see " + log);
	}

	@Test
	void silentFailureStillNamesTheExitCode() throws IOException {
		Path tool = tool("fake_dump", "exit 2");
		Path log = this.tmp.resolve("dump.log");
		assertThatExceptionOfType(PgToolException.class)
			.isThrownBy(() -> this.runner.output("pg_dump", List.of(tool.toString()), Map.of(), log))
			.withMessage("pg_dump failed with exit code 2; see " + log);
	}

	@Test
	void missingExecutableIsABadConfiguration() {
		Path missing = this.tmp.resolve("bin/pg_dump");
		assertThatExceptionOfType(BadConfigException.class)
			.isThrownBy(() -> this.runner.run("pg_dump pre-data", List.of(missing.toString()), Map.of(),
					this.tmp.resolve("dump.log")))
			.withMessageStartingWith("pg_dump pre-data could not start " + missing + ": ")
			.withMessageEndingWith(": install the PostgreSQL client tools or fix --pg-bin");
	}

	@Test
	void interruptionTerminatesTheChildAndReportsAStop() throws Exception {
		Path pidFile = this.tmp.resolve("child.pid");
		Path tool = tool("fake_slow", "echo $$ > '" + pidFile + "'; exec sleep 60");
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicBoolean interruptFlag = new AtomicBoolean();
		Thread caller = new Thread(() -> {
			try {
				this.runner.run("pg_dump data", List.of(tool.toString()), Map.of(), this.tmp.resolve("slow.log"));
			}
			catch (RuntimeException ex) {
				thrown.set(ex);
				interruptFlag.set(Thread.currentThread().isInterrupted());
			}
		});
		caller.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
		long pid = Long.parseLong(Files.readString(pidFile).strip());
		caller.interrupt();
		caller.join(Duration.ofSeconds(15).toMillis());
		assertThat(caller.isAlive()).isFalse();
		assertThat(thrown.get()).isInstanceOf(StoppedException.class).hasMessageContaining("pg_dump data stopped");
		assertThat(interruptFlag).isTrue();
		assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
	}

	@Test
	void loggedCommandLineIsQuotedAndRedacted() {
		assertThat(PgToolRunner.redact(PgToolRunner.commandLine(List.of("/usr/bin/pg_dump",
				"--dbname=postgres://u:pw@host:5432/db", "host=h password=secret dbname=x", "a b"))))
			.isEqualTo("/usr/bin/pg_dump --dbname=postgres://u:****@host:5432/db"
					+ " 'host=h password=**** dbname=x' 'a b'");
	}

	private Path tool(String name, String body) throws IOException {
		Path file = this.tmp.resolve(name);
		PgToolLocatorTest.script(file, body);
		return file;
	}

}
