package io.pgcopydb.testsupport;

/**
 * The two servers of a test run: the one a clone reads from and the one it writes to.
 * Both live for the whole run and are shared by every test class.
 *
 * @param source the server playing the source database's host
 * @param target the server playing the target database's host
 */
public record PgServers(PgServer source, PgServer target) {
}
