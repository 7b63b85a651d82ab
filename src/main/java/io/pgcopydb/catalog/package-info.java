/**
 * Read-only catalog queries, on the source ({@link io.pgcopydb.catalog.CatalogReader},
 * inside the run's snapshot, so the plan matches the data) and on the target
 * ({@link io.pgcopydb.catalog.TargetCatalog}: what it already has), with their records;
 * the SQL is in files under classpath:sql/, one per query. Nothing here writes to any
 * database.
 */
package io.pgcopydb.catalog;
