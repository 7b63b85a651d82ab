package io.pgcopydb.cdc.apply;

import java.util.List;
import java.util.Map;

/**
 * A target table as apply sees it: what it may write (generated columns never, identity
 * ALWAYS columns only with OVERRIDING SYSTEM VALUE), how it matches a row (by "=" or, for
 * types without a btree equality, by text) and which unique keys could make two changes
 * conflict. Columns are keyed by name: the target's column order may differ from the
 * source's.
 *
 * @param qualifiedName quoted and qualified, as it goes into SQL
 * @param partitioned a partitioned table: no ONLY, and ctid names a row only together
 * with tableoid
 * @param columns by name
 * @param uniqueKeys the column names of each unique index, primary key included; an empty
 * list for a unique index on an expression or with a predicate, or an exclusion
 * constraint (no column list names what they compare); a partitioned table's include its
 * partitions'
 * @param replicaTriggers a user trigger fires on it under
 * {@code session_replication_role = replica} (ENABLE ALWAYS or REPLICA), and may write
 * other tables
 */
record TargetTable(String qualifiedName, boolean partitioned, Map<String, Column> columns,
		List<List<String>> uniqueKeys, boolean replicaTriggers) {

	/** A table without triggers that fire during apply. */
	TargetTable(String qualifiedName, boolean partitioned, Map<String, Column> columns, List<List<String>> uniqueKeys) {
		this(qualifiedName, partitioned, columns, uniqueKeys, false);
	}

	/**
	 * @param type as format_type prints it, with its modifier
	 * @param unmodifiedType the type without its modifier, which a value is cast to where
	 * an assignment or a comparison follows: an explicit cast to {@code type} would cut a
	 * value too long for it instead of refusing it
	 * @param generated computed by the server: never written
	 * @param identityAlways GENERATED ALWAYS AS IDENTITY
	 * @param hasEquality the type has a default btree operator class ("=" is equality)
	 */
	record Column(String name, String type, String unmodifiedType, boolean generated, boolean identityAlways,
			boolean hasEquality) {

		/** A column whose type has no modifier. */
		Column(String name, String type, boolean generated, boolean identityAlways, boolean hasEquality) {
			this(name, type, type, generated, identityAlways, hasEquality);
		}

	}

	/** The non-generated columns, in the target's order. */
	List<Column> writableColumns() {
		return this.columns.values().stream().filter((column) -> !column.generated()).toList();
	}

}
