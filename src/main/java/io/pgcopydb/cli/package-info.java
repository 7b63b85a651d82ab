/**
 * The command line: one command class per pgcopydb verb family, named after it
 * ({@code clone} {@link io.pgcopydb.cli.CloneCommand}, {@code copy}
 * {@link io.pgcopydb.cli.CopyCommand}, {@code dump} {@link io.pgcopydb.cli.DumpCommand},
 * {@code restore} {@link io.pgcopydb.cli.RestoreCommand}, {@code snapshot}
 * {@link io.pgcopydb.cli.SnapshotCommand}, {@code list}
 * {@link io.pgcopydb.cli.ListCommand}, {@code job} {@link io.pgcopydb.cli.JobCommand}),
 * each verb a method or a class whose name is the verb's. A command parses and validates
 * its options, builds a typed request and hands it to the job layer's launcher (or to the
 * snapshot holder, or the repository readers), and returns an exit code; the
 * {@link io.pgcopydb.cli.ErrorBoundary} logs the one error line a user reads. No SQL and
 * no job lifecycle here, and nothing outside this package imports it (but
 * {@code Application}).
 */
package io.pgcopydb.cli;
