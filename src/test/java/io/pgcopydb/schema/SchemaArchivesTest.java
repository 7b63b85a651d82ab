package io.pgcopydb.schema;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.pgcopydb.config.ConnectionString;

import static org.assertj.core.api.Assertions.assertThat;

/** The pg_restore command lines of the schema sections. */
class SchemaArchivesTest {

	private static final PgTool RESTORE = new PgTool("pg_restore", Path.of("/pg/bin/pg_restore"), 15, "15.18");

	private final SchemaArchives archives = new SchemaArchives(
			new PgTools(new PgTool("pg_dump", Path.of("/pg/bin/pg_dump"), 15, "15.18"), RESTORE), new PgToolRunner());

	private final ConnectionString target = ConnectionString.parse("postgres://app:s3cret@127.0.0.1:5433/pagila",
			"--target");

	@Test
	void postDataRestoreIsOneTransactionWithoutJobs() {
		var argv = this.archives.restoreArguments(this.target.libpqUri(), Path.of("post.dump"), Path.of("post.list"),
				new SchemaArchives.RestoreOptions(4, true, false, false, false, false));

		assertThat(argv).contains("--single-transaction", "--exit-on-error", "--use-list=post.list")
			.noneMatch((arg) -> arg.startsWith("--jobs"))
			.doesNotContain("--clean")
			.last()
			.isEqualTo("post.dump");
	}

	@Test
	void preDataRestoreRunsInParallelAndCleansWhenAsked() {
		var argv = this.archives.restoreArguments(this.target.libpqUri(), Path.of("pre.dump"), Path.of("pre.list"),
				new SchemaArchives.RestoreOptions(4, false, true, true, true, true));

		assertThat(argv).contains("--jobs=4", "--clean", "--if-exists", "--no-owner", "--no-acl", "--no-comments")
			.doesNotContain("--single-transaction");
	}

	@Test
	void passwordIsNeverOnTheCommandLine() {
		var argv = this.archives.restoreArguments(this.target.libpqUri(), Path.of("pre.dump"), Path.of("pre.list"),
				new SchemaArchives.RestoreOptions(2, false, false, false, false, false));

		assertThat(String.join(" ", argv)).doesNotContain("s3cret")
			.contains("--dbname=postgres://app@127.0.0.1:5433/pagila");
		assertThat(this.target.childEnvironment()).containsEntry("PGPASSWORD", "s3cret");
	}

}
