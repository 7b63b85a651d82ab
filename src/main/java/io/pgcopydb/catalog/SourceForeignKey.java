package io.pgcopydb.catalog;

import io.pgcopydb.pg.Identifiers;

/**
 * A foreign key of a source table, as restore post-data needs it.
 *
 * @param oid the constraint's OID (its archive entry's catalog id)
 * @param tableOid the table the key is on
 * @param definition {@code pg_get_constraintdef}, every name qualified
 * @param validated valid on the source ({@code convalidated})
 * @param onPartitioned the table is partitioned
 * @param inherited a partition's copy of its parent's key ({@code conparentid})
 * @param tableBytes the size of the table's heap, which a validation reads
 */
public record SourceForeignKey(long oid, long tableOid, String schema, String table, String name, String definition,
		boolean validated, boolean onPartitioned, boolean inherited, long tableBytes) {

	/**
	 * Created NOT VALID, then validated on its own: valid on the source (one NOT VALID
	 * there stays so, as pg_restore makes it), on a plain table, and no partition's copy
	 * of its parent's key.
	 */
	public boolean validatedApart() {
		return this.validated && !this.onPartitioned && !this.inherited;
	}

	/** {@code ALTER TABLE ... VALIDATE CONSTRAINT ...}. */
	public String validateSql() {
		return "ALTER TABLE " + Identifiers.qualified(this.schema, this.table) + " VALIDATE CONSTRAINT "
				+ Identifiers.quote(this.name);
	}

	/** {@code public.orders orders_customer_id_fkey} for messages. */
	public String describe() {
		return Identifiers.displayQualified(this.schema, this.table) + " " + this.name;
	}

}
