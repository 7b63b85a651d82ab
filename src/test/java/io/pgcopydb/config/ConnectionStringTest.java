package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionStringTest {

	private static final String SECRET = "Sup3r/S3cret";

	@TempDir
	Path home;

	private final Map<String, String> env = new HashMap<>();

	@Test
	void parsesAFullUri() {
		ConnectionString cs = parse("postgres://app:pw@db.example.com:5433/pagila?sslmode=require");
		assertThat(cs.host()).isEqualTo("db.example.com");
		assertThat(cs.port()).isEqualTo(5433);
		assertThat(cs.database()).isEqualTo("pagila");
		assertThat(cs.user()).isEqualTo("app");
		assertThat(cs.password()).contains("pw");
		assertThat(cs.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5433/pagila");
		assertThat(cs.jdbcProperties()).containsEntry("user", "app")
			.containsEntry("password", "pw")
			.containsEntry("sslmode", "require")
			.containsEntry("ApplicationName", "pgcopydb");
		assertThat(cs.endpoint()).isEqualTo("db.example.com:5433/pagila");
	}

	@Test
	void acceptsPostgresqlSchemeInAnyCase() {
		assertThat(parse("postgresql://app@h/db").host()).isEqualTo("h");
		assertThat(parse("PostgreSQL://app@h/db").database()).isEqualTo("db");
	}

	@Test
	void uriWithoutHostPortUserOrDatabaseUsesLibpqDefaults() {
		ConnectionString cs = parse("postgres://");
		String osUser = System.getProperty("user.name");
		assertThat(cs.host()).isEqualTo(defaultSocketDirectory().toString());
		assertThat(cs.port()).isEqualTo(5432);
		assertThat(cs.user()).isEqualTo(osUser);
		assertThat(cs.database()).isEqualTo(osUser);
		assertThat(parse("postgres:///pagila").database()).isEqualTo("pagila");
	}

	@Test
	void uriPartsArePercentDecoded() {
		ConnectionString cs = parse("postgres://us%40er:p%40ss%2Fw%3Ard@host/my%20db%C3%A9?application_name=a%26b");
		assertThat(cs.user()).isEqualTo("us@er");
		assertThat(cs.password()).contains("p@ss/w:rd");
		assertThat(cs.database()).isEqualTo("my dbé");
		assertThat(cs.jdbcProperties()).containsEntry("ApplicationName", "a&b");
	}

	@Test
	void passwordMayHoldColonsAndAtSigns() {
		ConnectionString cs = parse("postgres://app:p:a@ss@host/db");
		assertThat(cs.user()).isEqualTo("app");
		assertThat(cs.password()).contains("p:a@ss");
		assertThat(cs.host()).isEqualTo("host");
	}

	@Test
	void ipv6HostIsBracketedInUris() {
		ConnectionString cs = parse("postgres://app@[2001:db8::1]:5433/pagila");
		assertThat(cs.host()).isEqualTo("2001:db8::1");
		assertThat(cs.port()).isEqualTo(5433);
		assertThat(cs.jdbcUrl()).isEqualTo("jdbc:postgresql://[2001:db8::1]:5433/pagila");
		assertThat(cs.libpqUri()).isEqualTo("postgres://app@[2001:db8::1]:5433/pagila");
		assertThat(cs.endpoint()).isEqualTo("[2001:db8::1]:5433/pagila");
		assertThat(parse("postgres://[::1]/db").port()).isEqualTo(5432);
		assertThat(parse("host=::1 dbname=db").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
	}

	@Test
	void queryParametersOverrideEarlierParts() {
		ConnectionString cs = parse("postgres://app@h/first?dbname=second&user=other&port=6000");
		assertThat(cs.database()).isEqualTo("second");
		assertThat(cs.user()).isEqualTo("other");
		assertThat(cs.port()).isEqualTo(6000);
	}

	@Test
	void sslTrueMeansSslmodeRequire() {
		assertThat(parse("postgres://h/db?ssl=true").jdbcProperties()).containsEntry("sslmode", "require");
	}

	@Test
	void keywordsMapToPgJdbcProperties() {
		ConnectionString cs = parse("host=h sslmode=verify-full sslcert=/c.crt sslkey=/c.key sslrootcert=/root.crt"
				+ " connect_timeout=7 application_name=mine options='-c search_path=x' keepalives=0"
				+ " target_session_attrs=read-write gssencmode=disable sslpassword=keypass");
		Properties properties = cs.jdbcProperties();
		assertThat(properties).containsEntry("sslmode", "verify-full")
			.containsEntry("sslcert", "/c.crt")
			.containsEntry("sslkey", "/c.key")
			.containsEntry("sslrootcert", "/root.crt")
			.containsEntry("connectTimeout", "7")
			.containsEntry("ApplicationName", "mine")
			.containsEntry("options", "-c search_path=x")
			.containsEntry("tcpKeepAlive", "false")
			.containsEntry("targetServerType", "primary")
			.containsEntry("gssEncMode", "disable")
			.containsEntry("sslpassword", "keypass");
		assertThat(cs.libpqUri()).contains("sslmode=verify-full", "options=-c%20search_path%3Dx")
			.doesNotContain("keypass");
	}

	@Test
	void jdbcPropertiesAreACopy() {
		ConnectionString cs = parse("host=h user=app");
		cs.jdbcProperties().setProperty("user", "changed");
		assertThat(cs.jdbcProperties()).containsEntry("user", "app");
	}

	@Test
	void parsesKeywordValuePairs() {
		ConnectionString cs = parse("host=127.0.0.1 port=5433 dbname=pagila user=app");
		assertThat(cs.host()).isEqualTo("127.0.0.1");
		assertThat(cs.port()).isEqualTo(5433);
		assertThat(cs.database()).isEqualTo("pagila");
		assertThat(cs.user()).isEqualTo("app");
		assertThat(cs.password()).isEmpty();
	}

	@Test
	void quotedKeywordValuesKeepSpacesAndBackslashEscapes() {
		ConnectionString cs = parse("host=h dbname='my db' password='se cr\\'et' user=a\\ b");
		assertThat(cs.database()).isEqualTo("my db");
		assertThat(cs.password()).contains("se cr'et");
		assertThat(cs.user()).isEqualTo("a b");
	}

	@Test
	void spacesAroundEqualsAreAllowed() {
		ConnectionString cs = parse("  host = h   port =5433\tdbname=  pagila  ");
		assertThat(cs.host()).isEqualTo("h");
		assertThat(cs.port()).isEqualTo(5433);
		assertThat(cs.database()).isEqualTo("pagila");
	}

	@Test
	void valueAfterEqualsAndSpacesIsTheNextWordAsInLibpq() {
		assertThat(failure("host=h port= user=app")).contains("port \"user=app\"");
	}

	@Test
	void laterKeywordWins() {
		assertThat(parse("dbname=a dbname=b").database()).isEqualTo("b");
	}

	@Test
	void emptyValueMeansDefault() {
		ConnectionString cs = parse("host='' port='' user=app");
		assertThat(cs.host()).isEqualTo(defaultSocketDirectory().toString());
		assertThat(cs.port()).isEqualTo(5432);
	}

	@Test
	void environmentFillsWhatTheStringLeavesOut() {
		this.env.putAll(Map.of("PGHOST", "envhost", "PGPORT", "6543", "PGUSER", "envuser", "PGDATABASE", "envdb",
				"PGSSLMODE", "require", "PGAPPNAME", "envapp"));
		ConnectionString cs = parse("postgres://");
		assertThat(cs.host()).isEqualTo("envhost");
		assertThat(cs.port()).isEqualTo(6543);
		assertThat(cs.user()).isEqualTo("envuser");
		assertThat(cs.database()).isEqualTo("envdb");
		assertThat(cs.jdbcProperties()).containsEntry("sslmode", "require").containsEntry("ApplicationName", "envapp");
	}

	@Test
	void stringWinsOverEnvironment() {
		this.env.putAll(Map.of("PGHOST", "envhost", "PGPORT", "6543", "PGUSER", "envuser", "PGDATABASE", "envdb"));
		ConnectionString cs = parse("host=h port=1 user=u dbname=d");
		assertThat(cs.endpoint()).isEqualTo("h:1/d");
		assertThat(cs.user()).isEqualTo("u");
	}

	@Test
	void databaseDefaultsToTheUserName() {
		assertThat(parse("host=h user=app").database()).isEqualTo("app");
		this.env.put("PGUSER", "envuser");
		assertThat(parse("host=h").database()).isEqualTo("envuser");
	}

	@Test
	void hostaddrIsWhereJdbcConnectsWhileHostNamesTheServer() throws IOException {
		writePgpass("rw-------", "db.example.com:5432:*:*:byname\n");
		ConnectionString cs = parse("host=db.example.com hostaddr=10.0.0.5 user=app");
		assertThat(cs.jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.5:5432/app");
		assertThat(cs.host()).isEqualTo("db.example.com");
		assertThat(cs.password()).contains("byname");
		assertThat(parse("hostaddr=10.0.0.5").host()).isEqualTo("10.0.0.5");
	}

	@Test
	void firstDbnameHoldingAConnectionStringIsExpanded() {
		ConnectionString cs = parse("port=1 dbname='postgres://app@h:2/real?sslmode=disable' user=later");
		assertThat(cs.host()).isEqualTo("h");
		assertThat(cs.port()).isEqualTo(2);
		assertThat(cs.database()).isEqualTo("real");
		assertThat(cs.user()).isEqualTo("later");
		assertThat(parse("dbname='host=h dbname=inner'").database()).isEqualTo("inner");
	}

	@Test
	void passwordInTheStringWinsOverPgpasswordAndPassfile() throws IOException {
		writePgpass("rw-------", "*:*:*:*:fromfile\n");
		this.env.put("PGPASSWORD", "fromenv");
		assertThat(parse("host=h password=given").password()).contains("given");
		assertThat(parse("host=h").password()).contains("fromenv");
		this.env.remove("PGPASSWORD");
		assertThat(parse("host=h").password()).contains("fromfile");
	}

	@Test
	void emptyPasswordFallsThroughToThePasswordFile() throws IOException {
		writePgpass("rw-------", "*:*:*:*:fromfile\n");
		this.env.put("PGPASSWORD", "");
		assertThat(parse("postgres://app:@h/db").password()).contains("fromfile");
	}

	@Test
	void passwordFileMatchesHostPortDatabaseAndUser() throws IOException {
		writePgpass("rw-------", """
				# source
				src.example.com:5432:pagila:app:one
				src.example.com:*:*:app:two
				*:*:*:*:three
				""");
		assertThat(parse("host=src.example.com dbname=pagila user=app").password()).contains("one");
		assertThat(parse("host=src.example.com port=5433 dbname=pagila user=app").password()).contains("two");
		assertThat(parse("host=other dbname=pagila user=app").password()).contains("three");
		assertThat(parse("dbname=pagila user=app").password()).contains("three");
	}

	@Test
	void passwordFileDefaultsToLocalhostAndPort5432() throws IOException {
		writePgpass("rw-------", "localhost:5432:pagila:app:local\n");
		assertThat(parse("dbname=pagila user=app").password()).contains("local");
	}

	@Test
	void passfileKeywordAndPgpassfileVariableChooseTheFile() throws IOException {
		Path keyword = Files.writeString(this.home.resolve("by-keyword"), "*:*:*:*:bykeyword\n");
		Path variable = Files.writeString(this.home.resolve("by-variable"), "*:*:*:*:byvariable\n");
		Files.setPosixFilePermissions(keyword, PosixFilePermissions.fromString("rw-------"));
		Files.setPosixFilePermissions(variable, PosixFilePermissions.fromString("rw-------"));
		this.env.put("PGPASSFILE", variable.toString());
		assertThat(parse("host=h passfile=" + keyword).password()).contains("bykeyword");
		assertThat(parse("host=h").password()).contains("byvariable");
	}

	@Test
	void passwordFileOpenToOthersIsRefusedWhenConsulted() throws IOException {
		writePgpass("rw-r--r--", "*:*:*:*:fromfile\n");
		assertThatThrownBy(() -> parse("host=h")).isInstanceOf(BadConfigException.class)
			.hasMessageContaining("chmod 0600");
		assertThat(parse("postgres://app:given@h/db").password()).contains("given");
	}

	@Test
	void withDatabaseKeepsServerAndLooksThePasswordUpAgain() throws IOException {
		writePgpass("rw-------", "h:5432:postgres:app:forpostgres\nh:5432:pagila:app:forpagila\n");
		ConnectionString pagila = parse("postgres://app@h/pagila?sslmode=require");
		ConnectionString postgres = pagila.withDatabase("postgres");
		assertThat(postgres.database()).isEqualTo("postgres");
		assertThat(postgres.endpoint()).isEqualTo("h:5432/postgres");
		assertThat(postgres.password()).contains("forpostgres");
		assertThat(postgres.jdbcProperties()).containsEntry("sslmode", "require");
		assertThat(pagila.password()).contains("forpagila");
		assertThat(parse("postgres://app:given@h/pagila").withDatabase("postgres").password()).contains("given");
	}

	@Test
	void childEnvironmentCarriesThePasswordOnlyWhenKnown() {
		assertThat(parse("postgres://app:pw@h/db").childEnvironment()).isEqualTo(Map.of("PGPASSWORD", "pw"));
		assertThat(parse("postgres://app@h/db").childEnvironment()).isEmpty();
	}

	@Test
	void passwordNeverAppearsInToString() {
		ConnectionString cs = parse("postgres://app:" + ConnectionString.percentEncode(SECRET) + "@h:5432/db");
		assertThat(cs.toString()).isEqualTo("postgres://app:****@h:5432/db").doesNotContain(SECRET);
	}

	@Test
	void toStringShowsNoStarsWithoutAPasswordInTheString() {
		this.env.put("PGPASSWORD", SECRET);
		ConnectionString cs = parse("host=h user=app dbname=db sslmode=prefer");
		assertThat(cs.toString()).isEqualTo("postgres://app@h:5432/db?sslmode=prefer");
		assertThat(cs.password()).contains(SECRET);
	}

	@Test
	void passwordNeverAppearsInJdbcUrlLibpqUriOrEndpoint() {
		ConnectionString cs = parse("host=h user=app password='" + SECRET + "' sslpassword='" + SECRET + "'");
		assertThat(cs.jdbcUrl()).doesNotContain(SECRET);
		assertThat(cs.libpqUri()).isEqualTo("postgres://app@h:5432/app").doesNotContain(SECRET);
		assertThat(cs.endpoint()).doesNotContain(SECRET);
		assertThat(cs.toString()).isEqualTo("postgres://app:****@h:5432/app?sslpassword=****");
		assertThat(ConnectionString.percentEncode(SECRET)).isNotEqualTo(SECRET);
		assertThat(cs.toString()).doesNotContain(ConnectionString.percentEncode(SECRET));
	}

	@Test
	void libpqUriPercentEncodesAndParsesBackToTheSameConnection() {
		ConnectionString cs = parse(
				"host=h port=5433 user='us er@x' dbname='d/b?#%+é' options='-c a=b&c'" + " application_name=pg:copy");
		assertThat(cs.libpqUri()).startsWith("postgres://us%20er%40x@h:5433/d%2Fb%3F%23%25%2B%C3%A9?");
		ConnectionString back = parse(cs.libpqUri());
		assertThat(back).isEqualTo(cs);
		assertThat(back.user()).isEqualTo("us er@x");
		assertThat(back.database()).isEqualTo("d/b?#%+é");
		assertThat(back.libpqUri()).isEqualTo(cs.libpqUri());
	}

	@Test
	void jdbcUrlDatabaseSurvivesPgJdbcUrlParsing() {
		ConnectionString cs = parse("host=h port=5433 dbname='d b+/?&é'");
		Properties parsed = org.postgresql.Driver.parseURL(cs.jdbcUrl(), new Properties());
		assertThat(parsed).isNotNull();
		assertThat(parsed.getProperty("PGDBNAME")).isEqualTo("d b+/?&é");
		assertThat(parsed.getProperty("PGHOST")).isEqualTo("h");
		assertThat(parsed.getProperty("PGPORT")).isEqualTo("5433");
	}

	@Test
	void equalityIgnoresThePassword() {
		ConnectionString one = parse("postgres://app:one@h/db");
		ConnectionString two = parse("host=h user=app dbname=db password=two");
		assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
		assertThat(one).isNotEqualTo(parse("postgres://app:one@h/other"));
		assertThat(one).isNotEqualTo(parse("postgres://app:one@h/db?sslmode=require"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   " })
	void emptyStringIsRefused(String raw) {
		assertThat(failure(raw)).contains("--source", "empty", "postgres://");
	}

	@Test
	void nullIsRefused() {
		assertThat(failure(null)).contains("--source", "empty");
	}

	@Test
	void jdbcUrlIsRefusedWithAHint() {
		assertThat(failure("jdbc:postgresql://h/db")).contains("JDBC URL", "drop the leading jdbc:");
	}

	@Test
	void unknownKeywordNamesTheKeywordAndTheOption() {
		assertThat(failure("hots=h dbname=db")).startsWith("--source: invalid connection option \"hots\"")
			.contains("host, hostaddr, port");
		assertThat(failure("postgres://h/db?sslmdoe=require")).contains("\"sslmdoe\"");
	}

	@Test
	void badPortIsRefused() {
		assertThat(failure("host=h port=54x32")).contains("port \"54x32\"", "1 to 65535");
		assertThat(failure("host=h port=70000")).contains("port \"70000\"");
		this.env.put("PGPORT", "nope");
		assertThat(failure("host=h")).contains("(from PGPORT)");
	}

	@Test
	void badUriPortIsRefusedWithoutQuotingIt() {
		String message = failure("postgres://app:Qx/Zy@h/db");
		assertThat(message).contains("'@' after its first '/'", "%2F").doesNotContain("Qx").doesNotContain("Zy");
		message = failure("postgres://app:S3cr?t@h/db");
		assertThat(message).contains("invalid port", "percent-encode").doesNotContain("S3cr");
	}

	@Test
	void unterminatedQuoteIsRefused() {
		assertThat(failure("host=h password='" + SECRET)).contains("no closing quote").doesNotContain(SECRET);
	}

	@Test
	void missingEqualsIsRefused() {
		assertThat(failure("host=h dbname")).contains("missing \"=\" after \"dbname\"");
		assertThat(failure("pagila")).contains("neither a postgres:// URI nor keyword=value pairs");
	}

	@Test
	void unquotedPasswordWithSpacesIsRefusedWithoutQuotingIt() {
		String message = failure("host=h password=Sup3r S3cret user=app");
		assertThat(message).contains("single quotes").doesNotContain("Sup3r").doesNotContain("S3cret");
		message = failure("host=h password=Sup3r S3c=ret");
		assertThat(message).contains("single quotes").doesNotContain("S3c");
		message = failure("postgres://h/db?password=Sup3r&S3cret&user=app");
		assertThat(message).contains("%26").doesNotContain("S3cret");
		message = failure("postgres://h/db?password=Sup3r&S3c=ret");
		assertThat(message).contains("%26").doesNotContain("S3c");
	}

	@Test
	void abstractNamespaceSocketsAreRefused() {
		assertThat(failure("host=@pg dbname=db")).contains("host \"@pg\"", "abstract namespace",
				"host=/var/run/postgresql");
		this.env.put("PGHOST", "@pg");
		assertThat(failure("dbname=db")).contains("(from PGHOST)");
		this.env.remove("PGHOST");
		assertThat(failure("hostaddr=/tmp")).contains("hostaddr \"/tmp\" is not an IP address");
	}

	@Test
	void multipleHostsAreNotSupported() {
		assertThat(failure("host=a,b dbname=db")).contains("not supported");
		assertThat(failure("host=a port=1,2")).contains("not supported");
		assertThat(failure("postgres://a:1,b:2/db")).contains("not supported");
	}

	@Test
	void invalidEnumeratedValuesAreRefused() {
		assertThat(failure("host=h sslmode=on")).contains("sslmode \"on\"", "verify-full");
		assertThat(failure("postgres://h/db?ssl=false")).contains("ssl accepts only true");
		assertThat(failure("host=h connect_timeout=soon")).contains("connect_timeout");
	}

	@Test
	void malformedPercentEncodingIsRefused() {
		assertThat(failure("postgres://app:%zz@h/db")).contains("percent-encoding");
		assertThat(failure("postgres://h/db%")).contains("percent-encoding");
		assertThat(failure("postgres://h/db%00")).contains("percent-encoding");
	}

	@Test
	void malformedIpv6IsRefused() {
		assertThat(failure("postgres://[::1/db")).contains("IPv6");
		assertThat(failure("postgres://[::1]x/db")).contains("IPv6");
	}

	@Test
	void errorsAreOneLineNamingTheOptionWithAnExampleAndNeverThePassword() {
		String[] inputs = { "postgres://app:" + SECRET + "@h:99999/db", "host=h password='" + SECRET,
				"password=" + SECRET + " bogus", "postgres://app:" + SECRET + "@h/db?nope=1",
				"password='" + SECRET + "' port=x", "password='" + SECRET + "' host=@abstract" };
		for (String input : inputs) {
			BadArgumentsException ex = failureOf(input, "PGCOPYDB_TARGET_PGURI");
			assertThat(ex.exitCode()).isEqualTo(ExitCode.BAD_ARGUMENTS);
			assertThat(ex.getMessage()).startsWith("PGCOPYDB_TARGET_PGURI: ")
				.contains("e.g. ")
				.doesNotContain("\n")
				.doesNotContain(SECRET)
				.doesNotContain("Sup3r");
		}
	}

	private ConnectionString parse(String raw) {
		return ConnectionString.parse(raw, "--source", this.env, defaults());
	}

	/**
	 * Socket and sysconf candidates inside the test's home, so the machine never shows.
	 */
	private LibpqDefaults defaults() {
		return new LibpqDefaults(this.home, List.of(this.home.resolve("run"), this.home.resolve("tmp")),
				() -> List.of(this.home.resolve("etc")));
	}

	/** Neither candidate exists in a fresh home: the first one is the default. */
	private Path defaultSocketDirectory() {
		return this.home.resolve("run");
	}

	private String failure(String raw) {
		return failureOf(raw, "--source").getMessage();
	}

	private BadArgumentsException failureOf(String raw, String option) {
		try {
			ConnectionString.parse(raw, option, this.env, defaults());
		}
		catch (BadArgumentsException ex) {
			return ex;
		}
		throw new AssertionError("expected a BadArgumentsException for " + raw);
	}

	private void writePgpass(String permissions, String content) throws IOException {
		Path path = this.home.resolve(".pgpass");
		Files.writeString(path, content);
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
	}

}
