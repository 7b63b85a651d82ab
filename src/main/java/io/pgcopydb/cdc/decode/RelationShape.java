package io.pgcopydb.cdc.decode;

import java.util.List;

/**
 * A source table as the change stream describes it (pgoutput's Relation message; the text
 * plugins' decoders build one when a table or its columns first appear or change).
 *
 * @param id the relation id the row changes refer to: the source table's OID for
 * pgoutput, an id the decoder assigns for the text plugins
 * @param replicaIdentity {@code d} default (primary key), {@code n} nothing, {@code f}
 * full, {@code i} index
 * @param columns the columns the stream sends, in the order of the tuples (generated
 * columns are not sent)
 * @param complete the columns are all the table's (pgoutput's Relation; a text plugin's
 * INSERT, or test_decoding's UPDATE); false when the change named only some (an old key,
 * a wal2json UPDATE leaving out unchanged TOAST values, a TRUNCATE): apply then cannot
 * tell a column dropped on the source from one the change did not name
 */
public record RelationShape(long id, String schema, String name, char replicaIdentity, List<Column> columns,
		boolean complete) {

	/**
	 * A shape of all the table's columns, as pgoutput's Relation message describes it.
	 */
	public RelationShape(long id, String schema, String name, char replicaIdentity, List<Column> columns) {
		this(id, schema, name, replicaIdentity, columns, true);
	}

	/**
	 * @param typeOid the source type's OID (0 when the plugin sends a type name only)
	 * @param typeName the type as the plugin names it, or null (pgoutput sends OIDs)
	 * @param key part of the replica identity
	 */
	public record Column(String name, long typeOid, String typeName, boolean key) {
	}

	/** {@code schema.name}, quoted where needed, for messages and SQL. */
	public String qualifiedName() {
		return io.pgcopydb.pg.Identifiers.qualified(this.schema, this.name);
	}

}
