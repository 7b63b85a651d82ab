package io.pgcopydb.catalog;

import io.pgcopydb.pg.Identifiers;

/**
 * A table whose rows are copied.
 *
 * @param oid the table's OID on the source, stable for the run and used as its key
 * @param columnList quoted, comma-separated column names (generated columns excluded)
 * @param columnTypes one "quoted_name type" line per copied column
 * @param builtinTypes every copied column has a built-in type
 * @param bytes on-disk size on the source (pg_table_size), for ordering and progress
 */
public record SourceTable(long oid, String schema, String name, String columnList, String columnTypes,
		boolean builtinTypes, long bytes) {

	public String qualifiedName() {
		return Identifiers.qualified(this.schema, this.name);
	}

	/** schema.name as a person reads it, for logs and progress. */
	public String displayName() {
		return this.schema + "." + this.name;
	}

}
