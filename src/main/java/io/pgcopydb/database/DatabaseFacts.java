package io.pgcopydb.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.catalog.SqlFiles;
import io.pgcopydb.pg.ServerVersion;

/**
 * What a database fixes at creation and a clone cannot change later: its encoding, locale
 * provider, locale and collation version, compared on both sides before a run starts. A
 * target encoding that cannot hold every character of the source's is refused (the COPY
 * would fail halfway, or worse, SQL_ASCII would take bytes it cannot interpret); a
 * different locale or collation version only changes how text sorts, so it gives a
 * warning; so does a different lc_monetary where money columns exist, since the same
 * stored amount then reads as another currency format.
 *
 * @param lcMonetary the database-level lc_monetary, or null when not set there (then the
 * database's locale stands for it: initdb writes it as the server's lc_monetary)
 * @param hasMoney a table column of type money exists
 */
public record DatabaseFacts(String encoding, String collate, String ctype, String localeProvider,
		String collationVersion, String lcMonetary, boolean hasMoney) {

	public static DatabaseFacts read(Connection connection, ServerVersion version) throws SQLException {
		String query = SqlFiles.load((version.major() >= 15) ? "find_database_facts" : "find_database_facts_pre15");
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
			rs.next();
			return new DatabaseFacts(rs.getString("encoding"), rs.getString("datcollate"), rs.getString("datctype"),
					rs.getString("locale_provider"), rs.getString("collation_version"), rs.getString("lc_monetary"),
					rs.getBoolean("has_money"));
		}
	}

	/**
	 * Why the target database cannot receive the source's data, or null when it can.
	 */
	public static String refusal(DatabaseFacts source, DatabaseFacts target) {
		if (source.encoding().equals(target.encoding())
				|| target.encoding().equals("UTF8") && !source.encoding().equals("SQL_ASCII")) {
			return null;
		}
		return "the target database's encoding " + target.encoding() + " cannot hold every character of the source's "
				+ source.encoding() + ": create the target database with ENCODING '" + source.encoding()
				+ "' (CREATE DATABASE ... TEMPLATE template0 ENCODING '" + source.encoding() + "')";
	}

	/** What differs without preventing the copy, one warning each. */
	public static List<String> warnings(DatabaseFacts source, DatabaseFacts target) {
		List<String> warnings = new ArrayList<>();
		if (!source.collate().equals(target.collate()) || !source.ctype().equals(target.ctype())
				|| !source.localeProvider().equals(target.localeProvider())) {
			warnings.add("the databases' locales differ (source " + source.describeLocale() + ", target "
					+ target.describeLocale() + "): text sorts and compares differently on the target, and its"
					+ " indexes on text are built in its order");
		}
		else if (source.collationVersion() != null && target.collationVersion() != null
				&& !source.collationVersion().equals(target.collationVersion())) {
			warnings.add("the collation version differs (source " + source.collationVersion() + ", target "
					+ target.collationVersion() + "): the target's C library may sort text differently; its indexes"
					+ " are built on the target, so they are consistent with it");
		}
		if (source.hasMoney() && !source.monetaryLocale().equals(target.monetaryLocale())) {
			warnings.add("lc_monetary differs (source " + source.monetaryLocale() + ", target "
					+ target.monetaryLocale() + ") and money columns exist: the amounts are copied exactly, but read"
					+ " in another currency format on the target");
		}
		return warnings;
	}

	/**
	 * The database-level lc_monetary, else the database's locale, which initdb writes as
	 * the server's lc_monetary.
	 */
	String monetaryLocale() {
		return (this.lcMonetary != null) ? this.lcMonetary : this.collate;
	}

	private String describeLocale() {
		return this.localeProvider() + " " + this.collate() + "/" + this.ctype();
	}

}
