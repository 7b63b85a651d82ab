package io.pgcopydb.catalog;

import io.pgcopydb.pg.Identifiers;

/**
 * A sequence whose value is reset on the target.
 *
 * @param ownerTable the table of the column that owns the sequence (serial, identity),
 * quoted and qualified, or null when no column owns it
 * @param ownerColumn that column's name, unquoted, or null
 */
public record SourceSequence(long oid, String schema, String name, String ownerTable, String ownerColumn) {

	/** A sequence no column owns. */
	public SourceSequence(long oid, String schema, String name) {
		this(oid, schema, name, null, null);
	}

	public String qualifiedName() {
		return Identifiers.qualified(this.schema, this.name);
	}

	public boolean owned() {
		return this.ownerTable != null && this.ownerColumn != null;
	}

}
