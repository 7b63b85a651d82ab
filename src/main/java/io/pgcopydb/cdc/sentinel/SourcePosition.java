package io.pgcopydb.cdc.sentinel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.config.PgEndpoint;

/**
 * Reads the source's current WAL position for {@code stream sentinel set endpos
 * --current}: the insert LSN ({@code pg_current_wal_insert_lsn()}), which covers every
 * transaction committed before the call, even one whose WAL is not flushed yet.
 */
public final class SourcePosition {

	private SourcePosition() {
	}

	public static Lsn currentInsertLsn(PgEndpoint source) {
		try (Connection connection = source.connect("sentinel");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_current_wal_insert_lsn()::text")) {
			rs.next();
			return Lsn.parse(rs.getString(1), "pg_current_wal_insert_lsn()");
		}
		catch (SQLException ex) {
			throw source.failure("reading the source's current WAL position", ex);
		}
	}

}
