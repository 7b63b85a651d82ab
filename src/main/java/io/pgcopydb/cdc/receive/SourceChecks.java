package io.pgcopydb.cdc.receive;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.database.CitusLayout;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.pg.Identifiers;

/**
 * What the source must offer before a follow touches it, checked up front by
 * {@code stream setup}, {@code clone --follow} and {@code follow}: wal_level = logical, a
 * role with REPLICATION, a free replication slot and two free wal senders (the slot's
 * session holds the snapshot while the stream runs on another), and tables that can be
 * published without breaking the source. On PostgreSQL, a published table without usable
 * replica identity makes the source's own UPDATE and DELETE on it fail (<a href=
 * "https://www.postgresql.org/docs/15/logical-replication-publication.html">publication</a>),
 * so such tables are refused with the remedies, unless the user accepted insert-only
 * replication for them. Read-only: nothing is created here. Failures are
 * {@link SourceNotReadyException}s (exit 6).
 */
public final class SourceChecks {

	private static final Logger logger = LoggerFactory.getLogger(SourceChecks.class);

	/** How many objects a message lists before "and N more". */
	static final int LISTED = 20;

	/** The slot's session (the snapshot) and the stream's. */
	private static final int SENDERS_NEEDED = 2;

	private SourceChecks() {
	}

	/**
	 * wal_level, the role's privilege and, when a slot is to be created, a free slot and
	 * free wal senders.
	 * @param where the source as messages name it ("source host:5432/db")
	 */
	public static void checkServer(Connection source, String where, boolean newSlot) throws SQLException {
		String walLevel = show(source, "wal_level");
		if (!"logical".equals(walLevel)) {
			throw new SourceNotReadyException("the " + where + " has wal_level = " + walLevel
					+ ": logical decoding needs wal_level = logical (ALTER SYSTEM SET wal_level = logical and"
					+ " restart the server)");
		}
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT current_user, rolsuper, rolreplication"
						+ " FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
			rs.next();
			if (!rs.getBoolean(2) && !rs.getBoolean(3)) {
				String role = rs.getString(1);
				throw new SourceNotReadyException("role \"" + role + "\" on the " + where
						+ " may not use logical replication: it needs the REPLICATION attribute (ALTER ROLE "
						+ Identifiers.quote(role) + " REPLICATION) or connect as a superuser");
			}
		}
		checkNotCitus(source, where);
		if (newSlot) {
			checkFree(source, where);
		}
	}

	/**
	 * Refuses a Citus source whose tables are in Citus's metadata: their rows live in
	 * shards, so logical decoding on the coordinator sees changes to shard tables (and
	 * none of those on worker nodes), and the coordinator's snapshot does not cover the
	 * shards' reads on workers.
	 */
	static void checkNotCitus(Connection source, String where) throws SQLException {
		long tables = CitusLayout.read(source).tables().size();
		if (tables > 0) {
			throw new BadStateException("the " + where + " is a Citus database with " + tables
					+ " tables in Citus's metadata: --follow cannot follow it (logical decoding on the coordinator"
					+ " sees changes to shards, not to the tables, and none made on worker nodes; the coordinator's"
					+ " snapshot does not cover reads of shards on workers): clone without --follow while writes are"
					+ " stopped");
		}
	}

	private static void checkFree(Connection source, String where) throws SQLException {
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_catalog.current_setting('max_replication_slots')::int,"
						+ " (SELECT count(*) FROM pg_catalog.pg_replication_slots),"
						+ " pg_catalog.current_setting('max_wal_senders')::int,"
						+ " (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'walsender')")) {
			rs.next();
			int maxSlots = rs.getInt(1);
			int slots = rs.getInt(2);
			int maxSenders = rs.getInt(3);
			int senders = rs.getInt(4);
			if (slots >= maxSlots) {
				throw new SourceNotReadyException("the " + where + " has no free replication slot (" + slots
						+ " of max_replication_slots = " + maxSlots + " in use): drop an unused one"
						+ " (pg_replication_slots) or raise max_replication_slots and restart the server");
			}
			if (maxSenders - senders < SENDERS_NEEDED) {
				throw new SourceNotReadyException("the " + where + " has " + Math.max(0, maxSenders - senders)
						+ " free wal senders (" + senders + " of max_wal_senders = " + maxSenders
						+ " in use) and a follow needs " + SENDERS_NEEDED
						+ ": raise max_wal_senders and restart the server, or end unused replication connections");
			}
		}
	}

	/**
	 * Decides what the follow publishes: every table of {@code tables} (the run's, the
	 * filters applied), partitions as their partitioned root. Refuses tables without
	 * usable replica identity unless {@code insertOnlyAccepted}; warns about what is not
	 * kept in sync (unlogged tables, materialized views).
	 * @param where the source as messages name it
	 */
	public static FollowScope scope(Connection source, String where, List<SourceTable> tables,
			boolean insertOnlyAccepted) throws SQLException {
		Map<Long, SourceTable> byOid = tables.stream()
			.collect(Collectors.toMap(SourceTable::oid, Function.identity(), (a, b) -> a));
		List<String> unlogged = new ArrayList<>();
		List<SourceTable> withoutIdentity = new ArrayList<>();
		try (PreparedStatement query = source.prepareStatement(SqlFiles.load("list_replica_identity"))) {
			Array oids = source.createArrayOf("oid", byOid.keySet().toArray());
			query.setArray(1, oids);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					SourceTable table = byOid.get(rs.getLong("table_oid"));
					if ("u".equals(rs.getString("relpersistence"))) {
						unlogged.add(table.displayName());
					}
					else if (!usableIdentity(rs.getString("relreplident").charAt(0), rs.getBoolean("has_primary_key"),
							rs.getBoolean("has_identity_index"))) {
						withoutIdentity.add(table);
					}
				}
			}
		}
		if (!withoutIdentity.isEmpty() && !insertOnlyAccepted) {
			throw new SourceNotReadyException(withoutIdentity.size() + " table(s) of the " + where
					+ " have no usable replica identity (no primary key, or REPLICA IDENTITY NOTHING), and"
					+ " publishing them would make the source's own UPDATE and DELETE on them fail: "
					+ listing(withoutIdentity.stream().map(SourceTable::displayName).toList())
					+ "; run ALTER TABLE ... REPLICA IDENTITY FULL (or add a primary key) on the source, leave them"
					+ " out with --filters, or pass --insert-only-tables to follow only their inserts and truncates");
		}
		Set<String> insertOnlyRoots = new LinkedHashSet<>();
		withoutIdentity.forEach((table) -> insertOnlyRoots.add(publishedName(table)));
		Set<String> unloggedNames = Set.copyOf(unlogged);
		Set<String> published = new LinkedHashSet<>();
		for (SourceTable table : tables) {
			String name = publishedName(table);
			if (!unloggedNames.contains(table.displayName()) && !insertOnlyRoots.contains(name)) {
				published.add(name);
			}
		}
		List<String> views = materializedViews(source);
		FollowScope scope = new FollowScope(List.copyOf(published), List.copyOf(insertOnlyRoots), unlogged, views);
		warn(scope, where);
		long largeObjects = largeObjects(source);
		if (largeObjects > 0) {
			logger.warn("{} large object(s) of the {} are copied once and not followed: logical decoding does not carry"
					+ " large objects, so one written, changed or dropped during the follow is not replicated (the"
					+ " cut-over compares the large objects of both sides)", largeObjects, where);
		}
		return scope;
	}

	/**
	 * Whether UPDATE and DELETE on a published table keep working and carry a key: FULL,
	 * an existing identity index, or DEFAULT with a primary key.
	 */
	static boolean usableIdentity(char replicaIdentity, boolean hasPrimaryKey, boolean hasIdentityIndex) {
		return switch (replicaIdentity) {
			case 'f' -> true;
			case 'i' -> hasIdentityIndex;
			case 'd' -> hasPrimaryKey;
			default -> false;
		};
	}

	/**
	 * The relation a publication names for {@code table}: its partitioned root (the last
	 * of its ancestors, nearest first), else itself.
	 */
	static String publishedName(SourceTable table) {
		List<String> ancestors = table.partitionAncestors();
		return ancestors.isEmpty() ? table.qualifiedName() : ancestors.get(ancestors.size() - 1);
	}

	/** At most {@link #LISTED} names, then "and N more". */
	static String listing(List<String> names) {
		String shown = names.stream().limit(LISTED).collect(Collectors.joining(", "));
		return (names.size() > LISTED) ? shown + " and " + (names.size() - LISTED) + " more" : shown;
	}

	private static void warn(FollowScope scope, String where) {
		if (!scope.insertOnly().isEmpty()) {
			logger.warn(
					"Following only the inserts and truncates of {} table(s) without replica identity"
							+ " (--insert-only-tables): their updates and deletes on the source are not replicated: {}",
					scope.insertOnly().size(), listing(scope.insertOnly()));
		}
		if (!scope.unlogged().isEmpty()) {
			logger.warn("{} unlogged table(s) of the {} cannot be published: they are copied once and not kept in"
					+ " sync: {}", scope.unlogged().size(), where, listing(scope.unlogged()));
		}
		if (!scope.materializedViews().isEmpty()) {
			logger.warn(
					"{} materialized view(s) of the {} are not followed: they are copied once and refreshed at"
							+ " cut-over: {}",
					scope.materializedViews().size(), where, listing(scope.materializedViews()));
		}
	}

	private static long largeObjects(Connection source) throws SQLException {
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_catalog.pg_largeobject_metadata")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static List<String> materializedViews(Connection source) throws SQLException {
		List<String> views = new ArrayList<>();
		try (Statement statement = source.createStatement();
				ResultSet rs = statement.executeQuery(SqlFiles.load("list_materialized_views"))) {
			while (rs.next()) {
				views.add(Identifiers.displayQualified(rs.getString(1), rs.getString(2)));
			}
		}
		return views;
	}

	static String show(Connection connection, String setting) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement
					.executeQuery("SELECT pg_catalog.current_setting(" + Identifiers.literal(setting) + ")")) {
			rs.next();
			return rs.getString(1);
		}
	}

}
