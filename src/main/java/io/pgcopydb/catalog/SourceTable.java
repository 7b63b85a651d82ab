package io.pgcopydb.catalog;

import java.util.List;

import io.pgcopydb.pg.Identifiers;

/**
 * A table whose rows are copied.
 *
 * @param oid the table's OID on the source, stable for the run and used as its key
 * @param columnList quoted, comma-separated column names (generated columns excluded)
 * @param columnTypes one "quoted_name type" line per copied column
 * @param builtinTypes every copied column has a built-in type
 * @param bytes on-disk size on the source (pg_table_size), for ordering and progress
 * @param partitionAncestors when the table is a partition on the source, its partitioned
 * ancestors, quoted and qualified, nearest first; empty otherwise
 * @param partitionBound the partition bound ({@code FOR VALUES ...}), null when the table
 * is no partition
 * @param indexNames the names of every index of the table on the source, those attached
 * to a partitioned parent's index included
 */
public record SourceTable(long oid, String schema, String name, String columnList, String columnTypes,
		boolean builtinTypes, long bytes, List<String> partitionAncestors, String partitionBound,
		List<String> indexNames) {

	public SourceTable {
		partitionAncestors = List.copyOf(partitionAncestors);
		indexNames = List.copyOf(indexNames);
	}

	/** A table that is no partition, its indexes unknown. */
	public SourceTable(long oid, String schema, String name, String columnList, String columnTypes,
			boolean builtinTypes, long bytes) {
		this(oid, schema, name, columnList, columnTypes, builtinTypes, bytes, List.of(), null, List.of());
	}

	public String qualifiedName() {
		return Identifiers.qualified(this.schema, this.name);
	}

	/**
	 * schema.name as a person reads it, for logs and progress: quoted as quote_ident
	 * does.
	 */
	public String displayName() {
		return Identifiers.displayQualified(this.schema, this.name);
	}

	/** The nearest partitioned ancestor on the source, quoted and qualified, or null. */
	public String partitionParent() {
		return this.partitionAncestors.isEmpty() ? null : this.partitionAncestors.get(0);
	}

}
