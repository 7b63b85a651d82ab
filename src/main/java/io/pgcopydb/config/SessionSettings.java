package io.pgcopydb.config;

import java.util.List;
import java.util.stream.Collectors;

import io.pgcopydb.pg.ServerVersion;

/**
 * The settings every session of the tool pins, whatever the server, database, role or
 * role-in-database defaults are: the ones that change how values are written or read (a
 * database with {@code extra_float_digits = 0} would print a float8 rounded, one with
 * {@code IntervalStyle = sql_standard} an interval that reads back changed, one with
 * {@code array_nulls = off} a NULL array element as the string "NULL"), and the ones that
 * can cancel long work (a target database with {@code statement_timeout = '1s'} would
 * cancel every COPY).
 * <p>
 * This class is the one list. It is applied through the startup packet's {@code options}
 * ({@code -c name=value}), which outranks database, role and role-in-database settings
 * (see <a href="https://www.postgresql.org/docs/current/config-setting.html">Setting
 * Parameters</a>), and also works on replication connections, where SET is refused;
 * pg_dump and pg_restore receive the same string in {@code PGOPTIONS}. A setting is sent
 * only to servers that know it: an unknown name in the startup packet fails the
 * connection.
 */
public final class SessionSettings {

	/** The oldest server this list is written for: the oldest the tool supports. */
	static final int OLDEST = PgEndpoint.OLDEST_SUPPORTED;

	private static final List<Setting> SETTINGS = List.of(
			// how values are written and read
			new Setting("client_encoding", "UTF8", OLDEST, false), new Setting("DateStyle", "ISO,MDY", OLDEST, false),
			new Setting("IntervalStyle", "postgres", OLDEST, false), new Setting("TimeZone", "UTC", OLDEST, false),
			new Setting("extra_float_digits", "3", OLDEST, false), new Setting("bytea_output", "hex", OLDEST, false),
			new Setting("standard_conforming_strings", "on", OLDEST, false),
			new Setting("lc_monetary", "C", OLDEST, false), new Setting("xmloption", "content", OLDEST, false),
			new Setting("array_nulls", "on", OLDEST, false), new Setting("search_path", "pg_catalog", OLDEST, false),
			new Setting("row_security", "off", OLDEST, false),
			new Setting("default_transaction_isolation", "read committed", OLDEST, false),
			// what could cancel long work
			new Setting("statement_timeout", "0", OLDEST, false), new Setting("lock_timeout", "0", OLDEST, false),
			new Setting("idle_in_transaction_session_timeout", "0", OLDEST, false),
			new Setting("idle_session_timeout", "0", 140000, false),
			new Setting("transaction_timeout", "0", 170000, false),
			// a backend whose client died (a killed run) stops within seconds instead of
			// finishing an index build or waiting for a lock; servers on a platform
			// without the kernel support refuse any other value than 0, hence best effort
			new Setting("client_connection_check_interval", "10s", 140000, false, true),
			// a Citus database's shards (a table per shard, beside its table) stay out of
			// the catalog reads and of pg_dump, whatever the database or role sets; set
			// on the first session (best effort), then sent at startup by the others
			new Setting("citus.override_table_visibility", "on", OLDEST + 1, false, true),
			new Setting("citus.show_shards_for_app_name_prefixes", "", OLDEST + 1, false, true),
			// the target is written to, whatever its database says
			new Setting("default_transaction_read_only", "off", OLDEST, true),
			// and durably before the repository records the work done: an asynchronous
			// commit lost in a crash of the target server would leave a table empty, or
			// an index missing, that a resume then skips; "on" also waits for the
			// target's synchronous standbys, if it has any, so that a failover right
			// after the clone loses nothing either
			new Setting("synchronous_commit", "on", OLDEST, true));

	private SessionSettings() {
	}

	/**
	 * The settings for a session on {@code side} of a server of {@code version}; with a
	 * null version, only those every supported server knows.
	 */
	public static List<Setting> forSession(Side side, ServerVersion version) {
		int number = (version != null) ? version.number() : OLDEST;
		return SETTINGS.stream()
			.filter((setting) -> setting.since() <= number)
			.filter((setting) -> !setting.targetOnly() || side == Side.TARGET)
			.toList();
	}

	/**
	 * The settings as a libpq/PgJDBC {@code options} value: {@code -c name=value} each,
	 * spaces in values escaped with a backslash as the server's option splitting wants.
	 */
	public static String options(List<Setting> settings) {
		return settings.stream()
			.map((setting) -> "-c " + setting.name() + "=" + setting.value().replace("\\", "\\\\").replace(" ", "\\ "))
			.collect(Collectors.joining(" "));
	}

	/**
	 * One pinned setting.
	 *
	 * @param since the first server version ({@code server_version_num}) that has it
	 * @param targetOnly pinned on target sessions only
	 * @param bestEffort a server that refuses the value runs without it rather than
	 * failing the session
	 */
	public record Setting(String name, String value, int since, boolean targetOnly, boolean bestEffort) {

		public Setting(String name, String value, int since, boolean targetOnly) {
			this(name, value, since, targetOnly, false);
		}

	}

}
