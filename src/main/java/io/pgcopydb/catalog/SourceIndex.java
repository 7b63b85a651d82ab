package io.pgcopydb.catalog;

import io.pgcopydb.pg.Identifiers;

/**
 * An index the job builds on the target, with the constraint it backs, if any.
 *
 * @param definition {@code pg_get_indexdef} output: a complete CREATE INDEX statement
 * @param constraintOid the PRIMARY KEY or UNIQUE constraint's OID, 0 when none
 * @param constraintType "p", "u" or null
 * @param constraintDefinition {@code pg_get_constraintdef} output
 * ({@code PRIMARY KEY (id) DEFERRABLE}), null when no constraint
 * @param tablespace the index's tablespace, null for the database default
 * @param columnStatistics per-column statistics targets set on the index, as
 * {@code "1=777,2=100"} (column number = target), null when none
 * @param accessMethod the index's access method ({@code btree}, {@code gin}...), null
 * when not known (a plan made before it was recorded)
 * @param bytes the index's size on the source, 0 when not known
 */
public record SourceIndex(long oid, long tableOid, String schema, String tableName, String name, String definition,
		long constraintOid, String constraintName, String constraintType, String constraintDefinition,
		boolean deferrable, boolean deferred, boolean clustered, boolean replicaIdentity, String tablespace,
		String columnStatistics, String accessMethod, long bytes) {

	/** An index whose constraint definition, access method and size are not known. */
	public SourceIndex(long oid, long tableOid, String schema, String tableName, String name, String definition,
			long constraintOid, String constraintName, String constraintType, boolean deferrable, boolean deferred,
			boolean clustered, boolean replicaIdentity, String tablespace, String columnStatistics) {
		this(oid, tableOid, schema, tableName, name, definition, constraintOid, constraintName, constraintType, null,
				deferrable, deferred, clustered, replicaIdentity, tablespace, columnStatistics, null, 0);
	}

	/**
	 * The work of building this index on the target, in the unit of a byte of table
	 * copied: its size on the source, weighed by how long its access method takes per
	 * byte built, plus the scan of its table. Measured on PostgreSQL 15 (jobs/README.md,
	 * "Scheduling"): a B-tree builds at about half the speed a COPY loads its table, a
	 * GIN or GiST index at about an eighth; the scan reads the table at about sixteen
	 * times the speed of its COPY. Only the order of the builds depends on it, so a rough
	 * figure is enough; a plan made before sizes were recorded gives 0.
	 * @param tableBytes the size of the index's table on the source
	 */
	public long buildCost(long tableBytes) {
		if (this.bytes == 0) {
			return 0;
		}
		int weight = switch ((this.accessMethod != null) ? this.accessMethod : "") {
			case "gin", "gist" -> 8;
			case "spgist" -> 4;
			default -> 2;
		};
		return this.bytes * weight + tableBytes / 16;
	}

	public boolean backsConstraint() {
		return this.constraintOid != 0;
	}

	public String qualifiedName() {
		return Identifiers.qualified(this.schema, this.name);
	}

	public String qualifiedTableName() {
		return Identifiers.qualified(this.schema, this.tableName);
	}

	public String displayName() {
		return Identifiers.displayQualified(this.schema, this.name);
	}

}
