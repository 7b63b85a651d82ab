package io.pgcopydb.catalog;

import io.pgcopydb.pg.Identifiers;

/** A sequence whose value is reset on the target. */
public record SourceSequence(long oid, String schema, String name) {

	public String qualifiedName() {
		return Identifiers.qualified(this.schema, this.name);
	}

}
