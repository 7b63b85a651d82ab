package io.pgcopydb.schema;

import java.util.List;

import io.pgcopydb.filter.ObjectId;

/**
 * One entry of an archive's table of contents, as {@code pg_restore --list} prints it:
 * {@code 3415; 2606 16523 CONSTRAINT public actor actor_pkey postgres}.
 * <p>
 * The name is pg_dump's tag, which is not always a bare object name: a constraint,
 * trigger, rule or policy is tagged with its table's name then its own
 * ({@code actor actor_pkey}), a comment {@code TABLE actor} or
 * {@code CONSTRAINT actor_pkey ON actor}, a large object by its OID.
 *
 * @param dumpId the entry's id in the archive, what a {@code --use-list} file selects
 * @param catalogOid the OID of the system catalog holding the object (1259 is pg_class),
 * 0 for entries without one (comments, ACLs, table data)
 * @param objectOid the object's OID in that catalog, 0 when none
 * @param desc the entry type as pg_dump names it: {@code TABLE}, {@code FK CONSTRAINT},
 * {@code MATERIALIZED VIEW DATA}...
 * @param schema the schema, or {@code null} when pg_restore printed '-'
 * @param name the entry's tag, which may hold spaces
 * @param owner the owner, or {@code null} when the entry has none
 * @param line the line exactly as pg_restore printed it
 * @param dependsOn the dumpIds of the entries it depends on, as
 * {@code pg_restore --list --verbose} prints them under it ({@code ;\tdepends on: 214
 * 215}); empty from a listing without them. An id may name an entry of the other
 * section's archive (both are dumped in one snapshot, so their ids agree) or none at all
 * (pg_dump's section boundaries)
 */
public record TocEntry(int dumpId, long catalogOid, long objectOid, String desc, String schema, String name,
		String owner, String line, List<Integer> dependsOn) {

	public TocEntry {
		dependsOn = List.copyOf(dependsOn);
	}

	/** An entry of a listing without dependencies. */
	public TocEntry(int dumpId, long catalogOid, long objectOid, String desc, String schema, String name, String owner,
			String line) {
		this(dumpId, catalogOid, objectOid, desc, schema, name, owner, line, List.of());
	}

	TocEntry withDependencies(List<Integer> dependencies) {
		return new TocEntry(this.dumpId, this.catalogOid, this.objectOid, this.desc, this.schema, this.name, this.owner,
				this.line, dependencies);
	}

	/**
	 * The source object it creates, as pg_depend and the run's filter plan name it; null
	 * for an entry about another's object (COMMENT, ACL, SECURITY LABEL, SEQUENCE OWNED
	 * BY...). TABLE DATA and MATERIALIZED VIEW DATA carry their relation's OID without a
	 * catalog: theirs is pg_class.
	 */
	public ObjectId objectId() {
		if (this.catalogOid != 0) {
			return new ObjectId(this.catalogOid, this.objectOid);
		}
		return (this.objectOid != 0) ? new ObjectId(ObjectId.PG_CLASS, this.objectOid) : null;
	}

}
