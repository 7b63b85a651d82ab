package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DBA's source is rarely a fresh server: database and role-in-database settings that
 * change how values print ({@code extra_float_digits = 0} rounds a float8,
 * {@code IntervalStyle = sql_standard} and {@code array_nulls = off} change what reads
 * back) and a target whose database cancels statements after one second. The clone must
 * pin its own sessions and copy every value exactly, in text and in binary COPY format.
 * <p>
 * Values are compared by their binary send form ({@code float8send}, {@code cash_send},
 * ...), which no session setting touches, and by their expected literal text in a session
 * of known settings: not by checksums computed under one set of settings on both sides.
 */
@ExtendWith(PostgresExtension.class)
class HostileSettingsIT {

	/** Each column, with the expression that gives its settings-independent form. */
	private static final Map<String, String> EXACT_FORMS = new LinkedHashMap<>();

	static {
		EXACT_FORMS.put("f8", "encode(float8send(f8), 'hex')");
		EXACT_FORMS.put("f4", "encode(float4send(f4), 'hex')");
		EXACT_FORMS.put("m", "encode(cash_send(m), 'hex')");
		EXACT_FORMS.put("d", "encode(date_send(d), 'hex')");
		EXACT_FORMS.put("ts", "encode(timestamp_send(ts), 'hex')");
		EXACT_FORMS.put("tstz", "encode(timestamptz_send(tstz), 'hex')");
		EXACT_FORMS.put("iv", "encode(interval_send(iv), 'hex')");
		EXACT_FORMS.put("b", "encode(b, 'hex')");
		EXACT_FORMS.put("x", "encode(convert_to(x::text, 'UTF8'), 'hex')");
		EXACT_FORMS.put("arr", "encode(array_send(arr), 'hex')");
		EXACT_FORMS.put("t", "encode(convert_to(t, 'UTF8'), 'hex')");
	}

	private static final String HOSTILE = """
			SET extra_float_digits = -15;
			SET DateStyle = 'SQL, DMY';
			SET IntervalStyle = 'sql_standard';
			SET bytea_output = 'escape';
			SET TimeZone = 'Pacific/Chatham';
			SET xmloption = 'document';
			SET array_nulls = 'off';
			SET standard_conforming_strings = 'off';
			SET search_path = 'nowhere';
			SET lc_monetary = 'C.utf8';
			SET default_transaction_isolation = 'serializable'""";

	@ParameterizedTest(name = "COPY format {0}")
	@ValueSource(strings = { "text", "auto" })
	void everyValueArrivesExactlyWhateverTheDatabaseAndRoleSettings(String format, PgServers servers, @TempDir Path dir)
			throws SQLException {
		String db = "hostile_settings_" + format;
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			// a database left by a failed run still grants to the role
			server.dropDatabase("hostile_settings_text");
			server.dropDatabase("hostile_settings_auto");
			server.execute("postgres", "DROP ROLE IF EXISTS hostile_reader; CREATE ROLE hostile_reader");
		}
		CloneIT.prepare(servers, db);
		servers.source().createDatabase(db);
		servers.source().execute(db, """
				CREATE FUNCTION public.slowly_true(integer) RETURNS boolean IMMUTABLE LANGUAGE sql
				  AS 'SELECT true FROM pg_catalog.pg_sleep(0.001)';
				CREATE TABLE public.vals (
				  id integer PRIMARY KEY CHECK (public.slowly_true(id)),
				  f8 float8, f4 float4, m money, d date, ts timestamp, tstz timestamptz, iv interval,
				  b bytea, x xml, arr integer[], t text);
				INSERT INTO public.vals VALUES
				  (1, 1.0000000000000002, 1.0000001, 12345.67, '2024-02-29', '2024-02-29 23:59:59.999999',
				   '2024-02-29 23:59:59.999999+05:45', '1 year 2 mons -3 days 04:05:06.789',
				   '\\x00ff5c27', '<a>1</a><b/>', '{1,NULL,3}', E'back\\\\slash ''quote'' tab\\t end'),
				  (2, 'NaN', '-Infinity', -0.01, 'infinity', '4713-01-01 00:00:00 BC', '-infinity',
				   '-178000000 years', '\\x', 'plain text', '{NULL}', ''),
				  (3, 2.2250738585072014e-308, 3.4028235e38, '-92233720368547758.08', '0001-01-01 BC',
				   '2000-01-01', '1999-12-31 23:59:59+14', '-1 days +23:59:59.999999', NULL, NULL, '{}', NULL);
				INSERT INTO public.vals (id, f8) SELECT g, g / 3.0 FROM generate_series(4, 1500) g;
				CREATE INDEX vals_slow ON public.vals ((public.slowly_true(id)), id);
				""");
		String superuser = servers.source().superuser();
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			for (String line : HOSTILE.split(";\\s*")) {
				String setting = line.strip().substring("SET ".length());
				server.execute("postgres", "ALTER DATABASE " + db + " SET " + setting);
			}
		}
		servers.source()
			.execute("postgres",
					"COMMENT ON DATABASE " + db + " IS 'the app''s \"hostile\" data';" + " REVOKE ALL ON DATABASE " + db
							+ " FROM PUBLIC; GRANT CONNECT, TEMPORARY ON DATABASE " + db
							+ " TO hostile_reader WITH GRANT OPTION; ALTER DATABASE " + db + " SET myext.flag = 'on';"
							+ " ALTER DATABASE " + db + " SET search_path = \"$user\", public, \"Odd Schema\"");
		servers.source()
			.execute("postgres", "ALTER ROLE " + superuser + " IN DATABASE " + db + " SET extra_float_digits = 0");
		servers.source()
			.execute("postgres", "ALTER ROLE " + superuser + " IN DATABASE " + db + " SET IntervalStyle = 'iso_8601'");
		// the target cancels anything longer than a second, and writes nothing by default
		servers.target().execute("postgres", "ALTER DATABASE " + db + " SET statement_timeout = '1s'");
		servers.target().execute("postgres", "ALTER DATABASE " + db + " SET lock_timeout = '1s'");
		servers.target()
			.execute("postgres", "ALTER DATABASE " + db + " SET idle_in_transaction_session_timeout = '1s'");
		servers.target().execute("postgres", "ALTER DATABASE " + db + " SET default_transaction_read_only = on");

		PgCopyDbRun run = PgCopyDbRun.run(Map.of("PGCOPYDB_COPY_FORMAT", format), "clone", "--source",
				servers.source().uri(db), "--target", servers.target().uri(db), "--dir", dir.toString());

		assertThat(run.exitCode()).as(run.toString()).isZero();
		Map<String, String> source = exactForms(servers.source(), db);
		Map<String, String> target = exactForms(servers.target(), db);
		assertThat(target).as("binary send form of every value").isEqualTo(source);
		assertThat(literal(servers.target(), db, "SELECT f8::text FROM public.vals WHERE id = 1"))
			.isEqualTo("1.0000000000000002");
		assertThat(literal(servers.target(), db, "SELECT iv::text FROM public.vals WHERE id = 1"))
			.isEqualTo("1 year 2 mons -3 days +04:05:06.789");
		assertThat(literal(servers.target(), db, "SELECT arr[2] IS NULL FROM public.vals WHERE id = 1")).isEqualTo("t");
		assertThat(literal(servers.target(), db, "SELECT m::numeric::text FROM public.vals WHERE id = 3"))
			.isEqualTo("-92233720368547758.08");
		// the target's own settings stay (the clone adds the source's): these four were
		// there only to make the copy's sessions fail if they did not pin their own
		for (String own : new String[] { "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
				"default_transaction_read_only" }) {
			servers.target().execute("postgres", "ALTER DATABASE " + db + " RESET " + own);
		}
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		// compare data under the same hostile settings (the source's role prints floats
		// with extra_float_digits = 0): equal, then a float one unit in the last place
		// away
		// is named
		Map<String, String> sides = CloneIT.sides(servers, db);
		PgCopyDbRun equal = PgCopyDbRun.run(sides, "compare", "data");
		assertThat(equal.exitCode()).as(equal.toString()).isZero();
		PgCopyDbRun sameSchema = PgCopyDbRun.run(sides, "compare", "schema");
		assertThat(sameSchema.exitCode()).as(sameSchema.toString()).isZero();
		servers.target().execute(db, "UPDATE public.vals SET f8 = '1.0000000000000004' WHERE id = 1");
		PgCopyDbRun differs = PgCopyDbRun.run(sides, "compare", "data");
		assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(10);
		assertThat(differs.stdout()).contains("(id)=(1)  changed");
		servers.target().execute(db, "UPDATE public.vals SET f8 = '1.0000000000000002' WHERE id = 1");
		assertThat(DatabaseComparison.databaseProperties(servers.target().connect(db)))
			.containsEntry("comment", "the app's \"hostile\" data")
			.containsEntry("setting (database)/extra_float_digits", "-15")
			.containsEntry("setting " + superuser + "/IntervalStyle", "iso_8601");
		servers.source().execute("postgres", "ALTER ROLE " + superuser + " IN DATABASE " + db + " RESET ALL");
		CloneIT.cleanup(servers, db);
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS hostile_reader");
		}
	}

	/** "id/column" to the column's settings-independent form, for every row. */
	private static Map<String, String> exactForms(PgServer server, String db) throws SQLException {
		Map<String, String> forms = new LinkedHashMap<>();
		try (Connection connection = server.connect(db); Statement statement = connection.createStatement()) {
			for (Map.Entry<String, String> column : EXACT_FORMS.entrySet()) {
				try (ResultSet rs = statement
					.executeQuery("SELECT id, " + column.getValue() + " FROM public.vals ORDER BY id")) {
					while (rs.next()) {
						forms.put(rs.getInt(1) + "/" + column.getKey(), rs.getString(2));
					}
				}
			}
		}
		return forms;
	}

	/** One value's text in a session whose settings this test sets. */
	private static String literal(PgServer server, String db, String query) throws SQLException {
		try (Connection connection = server.connect(db); Statement statement = connection.createStatement()) {
			statement.execute("SET extra_float_digits = 1; SET IntervalStyle = 'postgres'; SET lc_monetary = 'C'");
			try (ResultSet rs = statement.executeQuery(query)) {
				rs.next();
				return rs.getString(1);
			}
		}
	}

}
