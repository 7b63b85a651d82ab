package io.pgcopydb.cdc.decode;

import java.util.Optional;
import java.util.Set;

/**
 * What the source catalog says about a table's replica identity, for the text plugins:
 * test_decoding prints no key for an UPDATE that keeps it, and leaves NULL columns out of
 * a REPLICA IDENTITY FULL old tuple, so the stream alone cannot tell a key from a full
 * row. The streaming job's setup reads it from the source (pg_class.relreplident and the
 * identity index) for the tables it follows.
 */
@FunctionalInterface
public interface ReplicaIdentities {

	/** The identity of {@code schema.name}, empty when unknown. */
	Optional<Identity> find(String schema, String name);

	/** Nothing known: the decoders learn keys from the old tuples the stream carries. */
	static ReplicaIdentities unknown() {
		return (schema, name) -> Optional.empty();
	}

	/**
	 * @param kind {@code d} default (primary key), {@code n} nothing, {@code f} full,
	 * {@code i} index, as pg_class.relreplident
	 * @param keyColumns the identity's columns; every column for {@code f}
	 */
	record Identity(char kind, Set<String> keyColumns) {

		public Identity {
			keyColumns = Set.copyOf(keyColumns);
		}

	}

}
