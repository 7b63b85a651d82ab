/**
 * Small PostgreSQL helpers shared by every stage: identifier quoting, SQLSTATE classes,
 * server versions. No catalog queries and no connection handling here.
 */
package io.pgcopydb.pg;
