package io.pgcopydb.cdc.receive;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.error.BadStateException;

/**
 * The target shape {@code publish_via_partition_root = true} needs. The follow's
 * publications name partitioned tables by their root, so that a partition created during
 * a long follow is covered, and pgoutput then sends every leaf's change under the root's
 * name: the target needs the root, in any shape (partitioned the same way, otherwise, or
 * a plain table). That is what {@code clone --follow} restores. A target prepared
 * elsewhere for {@code follow} with the leaves as tables of their own and no root would
 * fail on the first change; it is refused up front, naming the root and the remedy.
 */
public final class PublishedRoots {

	private PublishedRoots() {
	}

	/**
	 * @throws BadStateException when the target has some leaves of a published root but
	 * not the root
	 */
	public static void checkTarget(PgEndpoint source, PgEndpoint target, StreamRecord record) {
		List<String> publications = new ArrayList<>();
		if (record.publication() != null) {
			publications.add(record.publication());
		}
		if (record.insertOnlyPublication() != null) {
			publications.add(record.insertOnlyPublication());
		}
		if (publications.isEmpty()) {
			return;
		}
		Map<String, List<String>> roots = new LinkedHashMap<>();
		try (Connection connection = source.connect("stream check");
				PreparedStatement query = connection
					.prepareStatement(SqlFiles.load("list_published_partition_leaves"))) {
			query.setArray(1, connection.createArrayOf("text", publications.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					Array leaves = rs.getArray(2);
					roots.put(rs.getString(1), List.of((String[]) leaves.getArray()));
				}
			}
		}
		catch (SQLException ex) {
			throw source.failure("listing the partitioned tables of publication " + publications.get(0), ex);
		}
		if (roots.isEmpty()) {
			return;
		}
		try (Connection connection = target.connect("stream check");
				PreparedStatement exists = connection
					.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
			for (Map.Entry<String, List<String>> root : roots.entrySet()) {
				if (exists(exists, root.getKey())) {
					continue;
				}
				List<String> present = new ArrayList<>();
				for (String leaf : root.getValue()) {
					if (exists(exists, leaf)) {
						present.add(leaf);
					}
				}
				if (!present.isEmpty()) {
					throw new BadStateException("the " + StreamSetup.where(target) + " has " + present.get(0)
							+ ((present.size() > 1) ? " and " + (present.size() - 1) + " more" : "")
							+ " but not their partitioned table " + root.getKey() + " of the "
							+ StreamSetup.where(source)
							+ ": the follow publishes partitioned tables through their root (publish_via_partition_root,"
							+ " so partitions created meanwhile are followed) and applies their changes to "
							+ root.getKey() + "; create it on the target (ATTACH PARTITION the tables there),"
							+ " then run again with --resume");
				}
			}
		}
		catch (SQLException ex) {
			throw target.failure("checking the target for the published partitioned tables", ex);
		}
	}

	private static boolean exists(PreparedStatement exists, String name) throws SQLException {
		exists.setString(1, name);
		try (ResultSet rs = exists.executeQuery()) {
			rs.next();
			return rs.getBoolean(1);
		}
	}

}
