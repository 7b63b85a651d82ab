package io.pgcopydb.cdc.receive;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.decode.ReplicaIdentities;
import io.pgcopydb.config.PgEndpoint;

/**
 * The replica identities of the source's tables as its catalog states them
 * (pg_class.relreplident, the primary key or the identity index), for the text plugins'
 * decoders: read on first use on a short-lived connection of its own (never the
 * replication connection: a query there would end an exported snapshot), and read again
 * when a change names a table not known yet (created during the follow), at most once per
 * unknown name. Partitions are tables of their own here: test_decoding and wal2json name
 * the leaf partition, whose identity is its own. A table with the default identity and no
 * primary key is reported as {@code n} (PostgreSQL sends no key for it). Nothing is kept
 * on disk. Not thread-safe: one receive thread uses it.
 */
public final class SourceReplicaIdentities implements ReplicaIdentities {

	private static final Logger logger = LoggerFactory.getLogger(SourceReplicaIdentities.class);

	static final String QUERY = """
			SELECT n.nspname, c.relname, c.relreplident::text,
			       (SELECT array_agg(a.attname::text ORDER BY a.attnum)
			          FROM pg_index i
			          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			         WHERE i.indrelid = c.oid
			           AND ((c.relreplident = 'd' AND i.indisprimary)
			             OR (c.relreplident = 'i' AND i.indisreplident))) AS keys,
			       (SELECT array_agg(a.attname::text ORDER BY a.attnum)
			          FROM pg_attribute a
			         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
			  FROM pg_class c
			  JOIN pg_namespace n ON n.oid = c.relnamespace
			 WHERE c.relkind IN ('r', 'p')
			   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
			   AND n.nspname NOT LIKE 'pg\\_toast%'
			""";

	private final PgEndpoint source;

	private Map<Name, Identity> known;

	private final Set<Name> missed = new HashSet<>();

	public SourceReplicaIdentities(PgEndpoint source) {
		this.source = source;
	}

	@Override
	public Optional<Identity> find(String schema, String name) {
		Name key = new Name(schema, name);
		if (this.known == null) {
			this.known = load();
		}
		Identity identity = this.known.get(key);
		if (identity == null && this.missed.add(key)) {
			this.known = load();
			identity = this.known.get(key);
			if (identity == null) {
				logger.debug("Table {}.{} is not in the source's catalog (dropped since?)", schema, name);
			}
		}
		return Optional.ofNullable(identity);
	}

	private Map<Name, Identity> load() {
		try (Connection connection = this.source.connect("reading replica identities");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(QUERY)) {
			Map<Name, Identity> identities = new HashMap<>();
			while (rows.next()) {
				char kind = rows.getString(3).charAt(0);
				List<String> keys = names(rows.getArray(4));
				List<String> columns = names(rows.getArray(5));
				identities.put(new Name(rows.getString(1), rows.getString(2)), identity(kind, keys, columns));
			}
			return identities;
		}
		catch (SQLException ex) {
			throw this.source.failure("reading the replica identities of the source's tables", ex);
		}
	}

	/** The identity a text plugin's stream follows, from the catalog's row. */
	static Identity identity(char kind, List<String> keys, List<String> columns) {
		return switch (kind) {
			case 'f' -> new Identity('f', Set.copyOf(columns));
			case 'd', 'i' -> keys.isEmpty() ? new Identity('n', Set.of()) : new Identity(kind, Set.copyOf(keys));
			default -> new Identity('n', Set.of());
		};
	}

	private static List<String> names(Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		return List.of((String[]) array.getArray());
	}

	private record Name(String schema, String name) {
	}

}
