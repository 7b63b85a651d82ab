package io.pgcopydb.copy;

/**
 * Where the rows of one source table land on the target, and the copy unit that empties
 * and fills them together. This is the copy's idempotency model: a unit is emptied by
 * {@link #truncate()} and refilled in the same transaction, so whatever a failed or
 * killed attempt left, a retry of the unit (never of one of its tables alone) ends with
 * each row once.
 * <p>
 * A unit holds one table in the usual case. It holds several when their rows land in the
 * same partition tree of the target: partitions of a source table that the target made
 * one plain table, or tables the target routes through one partitioned table. A TRUNCATE
 * per table would then wipe its siblings' rows, so the unit's first table (its
 * {@link #unitOid() leader}) copies them all, in one transaction.
 *
 * @param tableOid the source table
 * @param relation the target relation the COPY writes into, quoted and qualified
 * @param routed {@code relation} is partitioned: PostgreSQL routes each row to its
 * partition, and refuses COPY FREEZE
 * @param unitOid the source table that leads the unit: it copies every table of the unit
 * @param unitRelation the relation whose TRUNCATE empties the whole unit, quoted and
 * qualified: the relation or a partitioned ancestor of it
 * @param unitPartitioned {@code unitRelation} is partitioned: TRUNCATE without ONLY,
 * which PostgreSQL refuses on a partitioned table, empties its partitions
 */
public record CopyTarget(long tableOid, String relation, boolean routed, long unitOid, String unitRelation,
		boolean unitPartitioned) {

	/** The target as it was before partitioned targets: the table of the same name. */
	public static CopyTarget sameTable(long tableOid, String qualifiedName) {
		return new CopyTarget(tableOid, qualifiedName, false, tableOid, qualifiedName, false);
	}

	/** This table's copy partition copies the whole unit. */
	public boolean leadsUnit() {
		return this.tableOid == this.unitOid;
	}

	/** The rows land in another relation than the source table's namesake. */
	public boolean redirected(String sourceQualifiedName) {
		return !this.relation.equals(sourceQualifiedName) || this.routed || !this.unitRelation.equals(this.relation);
	}

	/**
	 * The statement that empties the unit, in the transaction that refills it. ONLY on a
	 * plain table or leaf partition, so that inheritance children keep their rows.
	 */
	public String truncate() {
		return (this.unitPartitioned ? "TRUNCATE " : "TRUNCATE ONLY ") + this.unitRelation;
	}

	/**
	 * COPY FREEZE is allowed: the relation is no partitioned table, and the unit's
	 * TRUNCATE gave it a new file in this transaction (a partitioned unit's TRUNCATE does
	 * that for each partition).
	 */
	public boolean freeze() {
		return !this.routed;
	}

}
