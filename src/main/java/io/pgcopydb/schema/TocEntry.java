package io.pgcopydb.schema;

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
 */
public record TocEntry(int dumpId, long catalogOid, long objectOid, String desc, String schema, String name,
		String owner, String line) {

}
