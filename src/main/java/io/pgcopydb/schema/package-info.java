/**
 * Schema work: finding and version-checking pg_dump and pg_restore, running them, reading
 * and filtering archive tables of contents, restoring the pre-data and post-data sections
 * ({@link io.pgcopydb.schema.SchemaRestore}), and building indexes and the constraints
 * they back on the target.
 */
package io.pgcopydb.schema;
