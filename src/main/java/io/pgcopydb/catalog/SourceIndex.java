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
 */
public record SourceIndex(long oid, long tableOid, String schema, String tableName, String name, String definition,
		long constraintOid, String constraintName, String constraintType, String constraintDefinition,
		boolean deferrable, boolean deferred, boolean clustered, boolean replicaIdentity, String tablespace,
		String columnStatistics) {

	/** An index whose constraint definition is not known. */
	public SourceIndex(long oid, long tableOid, String schema, String tableName, String name, String definition,
			long constraintOid, String constraintName, String constraintType, boolean deferrable, boolean deferred,
			boolean clustered, boolean replicaIdentity, String tablespace, String columnStatistics) {
		this(oid, tableOid, schema, tableName, name, definition, constraintOid, constraintName, constraintType, null,
				deferrable, deferred, clustered, replicaIdentity, tablespace, columnStatistics);
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
