package io.pgcopydb.job.stream;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.CatalogReader;
import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.copy.CopyException;
import io.pgcopydb.copy.SequenceCopier;
import io.pgcopydb.pg.Identifiers;

/**
 * What logical replication does not carry, done once at endpos: sequences are set to the
 * source's live values (read outside any snapshot: the source's writes are over at the
 * cut-over), and the target's populated materialized views are refreshed. Both are
 * idempotent, so a resume simply runs them again.
 */
final class CutOver {

	private static final Logger logger = LoggerFactory.getLogger(CutOver.class);

	private final PgEndpoint source;

	private final PgEndpoint target;

	CutOver(PgEndpoint source, PgEndpoint target) {
		this.source = source;
		this.target = target;
	}

	/** Sets the target's sequences; returns how many. */
	int sequences() {
		try (Connection from = this.source.connect("sequences at endpos");
				Connection to = this.target.connect("sequences at endpos")) {
			List<SourceSequence> sequences;
			try {
				sequences = new CatalogReader(from).sequences();
			}
			catch (SQLException ex) {
				throw this.source.failure("listing sequences", ex);
			}
			SequenceCopier.Result result = new SequenceCopier().copy(from, to, sequences);
			if (!result.missing().isEmpty()) {
				logger.info("Left out {} sequences the target does not have: {}", result.missing().size(),
						String.join(", ", result.missing()));
			}
			return result.set();
		}
		catch (CopyException ex) {
			PgEndpoint side = (ex.side() == io.pgcopydb.config.Side.SOURCE) ? this.source : this.target;
			throw side.failure("setting sequence values at endpos", ex.getCause());
		}
		catch (SQLException ex) {
			throw this.target.failure("setting sequence values at endpos", ex);
		}
	}

	/** Refreshes the target's populated materialized views; returns how many. */
	int materializedViews() {
		try (Connection to = this.target.connect("refresh materialized views")) {
			List<String> views = new ArrayList<>();
			try (Statement statement = to.createStatement();
					ResultSet rs = statement.executeQuery("SELECT schemaname, matviewname FROM pg_catalog.pg_matviews"
							+ " WHERE ispopulated ORDER BY schemaname, matviewname")) {
				while (rs.next()) {
					views.add(Identifiers.qualified(rs.getString(1), rs.getString(2)));
				}
			}
			for (String view : views) {
				try (Statement statement = to.createStatement()) {
					statement.execute("REFRESH MATERIALIZED VIEW " + view);
				}
			}
			return views.size();
		}
		catch (SQLException ex) {
			throw this.target.failure("refreshing materialized views at endpos", ex);
		}
	}

	/**
	 * Logical decoding does not carry large objects: the clone copied them, and one made
	 * or dropped during the follow shows as a different set at endpos (a changed content
	 * does not: setup's warning says so). Warns when the sets differ; returns whether
	 * they are the same.
	 */
	boolean largeObjectsAlike() {
		String sql = "SELECT count(*) || ' ' || coalesce(md5(string_agg(oid::text, ',' ORDER BY oid)), '')"
				+ " FROM pg_catalog.pg_largeobject_metadata";
		String onSource = single(this.source, sql, "listing large objects at endpos");
		String onTarget = single(this.target, sql, "listing large objects at endpos");
		if (onSource.equals(onTarget)) {
			return true;
		}
		logger.warn(
				"Large objects differ at endpos: the source has {} and the target {} (by count and oid): changes"
						+ " to large objects are not followed; copy the missing ones again (lo_export on the source,"
						+ " lo_import on the target) and drop those the source dropped",
				onSource.split(" ")[0], onTarget.split(" ")[0]);
		return false;
	}

	private static String single(PgEndpoint endpoint, String sql, String what) {
		try (Connection connection = endpoint.connect(what);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
		catch (SQLException ex) {
			throw endpoint.failure(what, ex);
		}
	}

}
