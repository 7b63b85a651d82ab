/**
 * Integration-test infrastructure: real PostgreSQL servers (no mocks) for {@code *IT}
 * classes, the sample and pagila databases, and the comparison a user would run to trust
 * a clone.
 * <p>
 * {@link io.pgcopydb.testsupport.PostgresExtension} hands each test a source and a target
 * {@link io.pgcopydb.testsupport.PgServer}, started once per test run and shared by every
 * class; tests create and drop their own databases, slots and origins. Nothing here
 * depends on production code, so a bug there cannot hide a bug in a test.
 */
package io.pgcopydb.testsupport;
