/**
 * Failures and exit codes: the {@link io.pgcopydb.error.PgCopyException} root, its
 * subclasses per failure class, the {@link io.pgcopydb.error.ExitCode} contract and the
 * one mapper from any throwable to an exit code. No JDBC and no logging here.
 */
package io.pgcopydb.error;
