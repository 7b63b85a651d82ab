package io.pgcopydb.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import io.pgcopydb.config.ConfigFiles;
import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;

/**
 * --dir and --debug, which every command has, and where the runs are kept: the file in
 * --dir, or a shared PostgreSQL repository.
 */
final class WorkDirOptions {

	@Option(names = "--dir", paramLabel = "<dir>",
			description = "Work directory: repository, schema archives, logs (default: $${TMPDIR:-/tmp}/pgcopydb).")
	Path dir;

	@Option(names = "--debug", description = "Log at DEBUG level, with stack traces.")
	boolean debug;

	@Option(names = SharedRepository.URL_OPTION, paramLabel = "<url>",
			defaultValue = "${env:" + SharedRepository.URL_VARIABLE + "}",
			description = "Keep the runs (the JobRepository and the plan) in this PostgreSQL database instead of"
					+ " the file in --dir, so that runs on several hosts share it: jdbc:postgresql://host:port/dbname"
					+ " (or a postgres:// URI, or keyword=value pairs); the password from ~/.pgpass or PGPASSWORD"
					+ " (one in the URL shows in ps)." + " Also " + SharedRepository.URL_VARIABLE + " or the property "
					+ SharedRepository.URL_PROPERTY + ".")
	String repositoryUrl;

	@Option(names = SharedRepository.NAME_OPTION, paramLabel = "<name>", defaultValue = "${env:PGCOPYDB_RUN_NAME}",
			description = "With --repository-url: the run's name there, its schema (default: the --dir's name and"
					+ " a hash of its path); give the same name on every host of a run. Also PGCOPYDB_RUN_NAME.")
	String runName;

	/** The work directory, not created: commands that write create it. */
	WorkDirectory workDirectory() {
		WorkDirectory work = new WorkDirectory((this.dir != null) ? this.dir : WorkDirectory.defaultRoot());
		String url = (this.repositoryUrl != null && !this.repositoryUrl.isBlank()) ? this.repositoryUrl
				: ConfigFiles.property(SharedRepository.URL_PROPERTY);
		if (url == null || url.isBlank()) {
			if (this.runName != null && !this.runName.isBlank()) {
				throw new BadArgumentsException(SharedRepository.NAME_OPTION + " names a run in a shared repository:"
						+ " give the repository too (" + SharedRepository.URL_OPTION + " or "
						+ SharedRepository.URL_VARIABLE + ")");
			}
			return work;
		}
		String name = (this.runName != null && !this.runName.isBlank()) ? this.runName : null;
		return work.withRepository(SharedRepository.of(url, name, work.root()));
	}

}
