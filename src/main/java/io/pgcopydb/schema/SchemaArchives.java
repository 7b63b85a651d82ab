package io.pgcopydb.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pgcopydb.config.PgEndpoint;

/**
 * The pg_dump and pg_restore invocations of a run. Connection strings reach the child
 * processes without their password (that travels in PGPASSWORD, in the child's
 * environment only), so {@code ps} never shows a secret.
 */
public final class SchemaArchives {

	private final PgTools tools;

	private final PgToolRunner runner;

	public SchemaArchives(PgTools tools, PgToolRunner runner) {
		this.tools = tools;
		this.runner = runner;
	}

	/**
	 * Dumps one section ("pre-data" or "post-data") of the source, as seen by
	 * {@code snapshot}, into a custom-format archive.
	 * @param lockWait how long pg_dump waits for each table lock before failing (a
	 * TRUNCATE queued behind the run's own locks would make it wait forever)
	 */
	public void dump(PgEndpoint source, String snapshot, String section, boolean largeObjects, Duration lockWait,
			Path archive, Path log) {
		dump(source, snapshot, section, largeObjects, lockWait, archive, log, DumpExclusions.NONE);
	}

	/**
	 * As above, leaving out of the archive the schemas and tables the run's filters leave
	 * out: pg_dump then neither reads nor locks them (a role may lack the privilege to).
	 */
	public void dump(PgEndpoint source, String snapshot, String section, boolean largeObjects, Duration lockWait,
			Path archive, Path log, DumpExclusions exclusions) {
		List<String> argv = new ArrayList<>(
				List.of(this.tools.pgDump().path().toString(), "--format=custom", "--section=" + section,
						"--file=" + archive, "--snapshot=" + snapshot, "--lock-wait-timeout=" + lockWait.toMillis()));
		argv.addAll(exclusions.arguments());
		if (!largeObjects) {
			argv.add("--no-blobs");
		}
		ownerOnlyFile(archive);
		PgEndpoint.ChildConnection connection = source.childConnection();
		argv.add("--dbname=" + connection.uri());
		this.runner.run("pg_dump --section=" + section, argv, connection.environment(), log);
	}

	/**
	 * Creates {@code file} for its owner only before pg_dump writes it: pg_dump keeps the
	 * mode of a file it truncates, and Java cannot set a child's umask.
	 */
	static void ownerOnlyFile(Path file) {
		try {
			Files.deleteIfExists(file);
			Files.createFile(file);
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: its own access control applies
		}
		catch (IOException ex) {
			throw new UncheckedIOException("preparing " + file, ex);
		}
	}

	public ArchiveToc list(Path archive, Path log) {
		return list(archive, log, List.of());
	}

	/**
	 * Lists {@code archive}, knowing {@code schemas} besides those of its own SCHEMA
	 * entries (see {@link ArchiveToc#parse(String, java.util.Collection)}).
	 */
	public ArchiveToc list(Path archive, Path log, java.util.Collection<String> schemas) {
		String output = this.runner.output("pg_restore --list " + archive.getFileName(),
				List.of(this.tools.pgRestore().path().toString(), "--list", "--verbose", archive.toString()), Map.of(),
				log);
		return ArchiveToc.parse(output, schemas);
	}

	/** Restores the entries of {@code useList} from {@code archive} into the target. */
	public void restore(PgEndpoint target, Path archive, Path useList, RestoreOptions options, Path log) {
		PgEndpoint.ChildConnection connection = target.childConnection();
		this.runner.run("pg_restore " + archive.getFileName(),
				restoreArguments(connection.uri(), archive, useList, options), connection.environment(), log);
	}

	/** The pg_restore command line: never a password (that goes in the environment). */
	List<String> restoreArguments(String targetUri, Path archive, Path useList, RestoreOptions options) {
		List<String> argv = new ArrayList<>(List.of(this.tools.pgRestore().path().toString(), "--dbname=" + targetUri,
				"--use-list=" + useList, "--exit-on-error"));
		// pg_restore refuses --jobs with --single-transaction
		argv.add(options.singleTransaction() ? "--single-transaction" : "--jobs=" + options.jobs());
		if (options.clean()) {
			argv.add("--clean");
			argv.add("--if-exists");
		}
		if (options.noOwner()) {
			argv.add("--no-owner");
		}
		if (options.noAcl()) {
			argv.add("--no-acl");
		}
		if (options.noComments()) {
			argv.add("--no-comments");
		}
		argv.add(archive.toString());
		return argv;
	}

	/**
	 * Schemas and tables pg_dump leaves out ({@code --exclude-schema},
	 * {@code --exclude-table}), each written as an exact pattern: every name
	 * double-quoted, so that pg_dump's pattern characters ({@code * ? .}) and upper case
	 * are taken literally.
	 *
	 * @param schemas schema names
	 * @param tables schema and name of each table
	 */
	public record DumpExclusions(List<String> schemas, List<String[]> tables) {

		public static final DumpExclusions NONE = new DumpExclusions(List.of(), List.of());

		List<String> arguments() {
			List<String> arguments = new ArrayList<>();
			this.schemas.forEach((schema) -> arguments.add("--exclude-schema=" + pattern(schema)));
			this.tables
				.forEach((table) -> arguments.add("--exclude-table=" + pattern(table[0]) + "." + pattern(table[1])));
			return arguments;
		}

		static String pattern(String name) {
			return "\"" + name.replace("\"", "\"\"") + "\"";
		}

	}

	/**
	 * pg_restore switches that pgcopydb passes through.
	 *
	 * @param singleTransaction all or nothing (then without --jobs, which pg_restore does
	 * not allow with it)
	 */
	public record RestoreOptions(int jobs, boolean singleTransaction, boolean clean, boolean noOwner, boolean noAcl,
			boolean noComments) {
	}

}
