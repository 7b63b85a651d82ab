/**
 * Read-only access to the source catalog: the queries (files under classpath:sql/), their
 * records, and the exported snapshot every source read runs in. Nothing here writes to
 * any database.
 */
package io.pgcopydb.catalog;
