package io.pgcopydb.filter;

/**
 * A catalog object's identity, as pg_depend and pg_dump's archive entries give it: the
 * OID of its system catalog (1259 pg_class, 2606 pg_constraint, 1255 pg_proc...) and its
 * OID there. Sub-objects (columns) are folded into their object.
 */
public record ObjectId(long classOid, long objectOid) {

	public static final long PG_CLASS = 1259;

	public static final long PG_CONSTRAINT = 2606;

	public static final long PG_NAMESPACE = 2615;

	public static final long PG_EXTENSION = 3079;

	@Override
	public String toString() {
		return this.classOid + "/" + this.objectOid;
	}

}
