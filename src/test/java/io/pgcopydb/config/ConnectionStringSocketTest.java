package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Unix-domain sockets in connection strings, as libpq reads them. */
class ConnectionStringSocketTest {

	@TempDir
	Path home;

	private final Map<String, String> env = new HashMap<>();

	@Test
	void hostStartingWithASlashIsASocketDirectory() {
		ConnectionString cs = parse("host=/var/run/postgresql port=5433 dbname=db user=app");
		assertThat(cs.host()).isEqualTo("/var/run/postgresql");
		assertThat(cs.socketFile()).contains(Path.of("/var/run/postgresql/.s.PGSQL.5433"));
		assertThat(cs.endpoint()).isEqualTo("/var/run/postgresql:5433/db");
		assertThat(cs.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/db");
		assertThat(cs.jdbcProperties())
			.containsEntry("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg")
			.containsEntry("socketFactoryArg", "/var/run/postgresql/.s.PGSQL.5433");
	}

	@Test
	void uriGivesTheSocketDirectoryPercentEncodedOrAsHostParameter() {
		assertThat(parse("postgres://app@%2Ftmp%2Fpg:5433/db").socketFile()).contains(Path.of("/tmp/pg/.s.PGSQL.5433"));
		assertThat(parse("postgres:///db?host=/tmp/pg").host()).isEqualTo("/tmp/pg");
		assertThat(parse("postgresql://%2Ftmp%2Fpg/db").host()).isEqualTo("/tmp/pg");
	}

	@Test
	void pghostMayNameASocketDirectory() {
		this.env.put("PGHOST", "/srv/pg sockets");
		ConnectionString cs = parse("dbname=db");
		assertThat(cs.socketFile()).contains(Path.of("/srv/pg sockets/.s.PGSQL.5432"));
	}

	@Test
	void childrenGetTheSameSocketInTheUri() {
		ConnectionString cs = parse("host='/srv/pg sockets' port=5433 dbname=db user=app sslmode=require");
		assertThat(cs.libpqUri()).isEqualTo("postgres://app@%2Fsrv%2Fpg%20sockets:5433/db?sslmode=require");
		assertThat(cs.toString()).isEqualTo(cs.libpqUri());
		assertThat(parse(cs.libpqUri())).isEqualTo(cs);
		assertThat(parse(cs.libpqUri()).host()).isEqualTo("/srv/pg sockets");
	}

	@Test
	void withoutAnyHostTheDefaultSocketIsUsedNotTcp() throws IOException {
		Files.createDirectories(this.home.resolve("tmp"));
		ConnectionString cs = parse("dbname=pagila");
		assertThat(cs.host()).as("the first existing candidate").isEqualTo(this.home.resolve("tmp").toString());
		assertThat(cs.socketFile()).contains(this.home.resolve("tmp/.s.PGSQL.5432"));
		assertThat(cs.libpqUri()).startsWith("postgres://" + ConnectionString.percentEncode(cs.user()) + "@"
				+ ConnectionString.percentEncode(this.home.resolve("tmp").toString()) + ":5432/pagila");
	}

	@Test
	void defaultSocketIsTheFirstCandidateHoldingTheSocketFileForThePort() throws IOException {
		Files.createDirectories(this.home.resolve("run"));
		Files.createDirectories(this.home.resolve("tmp"));
		Files.createFile(this.home.resolve("tmp/.s.PGSQL.5433"));
		assertThat(parse("port=5433 dbname=db").host()).isEqualTo(this.home.resolve("tmp").toString());
		assertThat(parse("port=5432 dbname=db").host()).isEqualTo(this.home.resolve("run").toString());
	}

	@Test
	void noSslGssOrKeepalivesOnASocketAsInLibpq() {
		ConnectionString cs = parse("host=/tmp dbname=db sslmode=require gssencmode=require keepalives_idle=30");
		assertThat(cs.jdbcProperties()).containsEntry("sslmode", "disable")
			.containsEntry("gssEncMode", "disable")
			.containsEntry("tcpKeepAlive", "false")
			.containsEntry("socketFactoryArg", "/tmp/.s.PGSQL.5432");
	}

	@Test
	void hostaddrMeansTcpEvenWithASocketDirectoryHost() {
		ConnectionString cs = parse("host=/tmp hostaddr=127.0.0.1 dbname=db");
		assertThat(cs.socketFile()).isEmpty();
		assertThat(cs.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/db");
		assertThat(cs.jdbcProperties()).doesNotContainKey("socketFactoryArg");
	}

	@Test
	void passwordFileMatchesTheDefaultSocketAsLocalhostAndAnotherDirectoryByItsPath() throws IOException {
		Path pgpass = Files.writeString(this.home.resolve(".pgpass"),
				"localhost:5432:*:app:local\n\\/srv\\/pg:5432:*:app:bypath\n");
		Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
		assertThat(parse("dbname=db user=app").password()).contains("local");
		assertThat(parse("host=" + this.home.resolve("run") + " dbname=db user=app").password())
			.as("the default directory given explicitly")
			.contains("local");
		assertThat(parse("host=/srv/pg dbname=db user=app").password()).contains("bypath");
		assertThat(parse("host=localhost dbname=db user=app").password()).contains("local");
	}

	private ConnectionString parse(String raw) {
		return ConnectionString.parse(raw, "--source", this.env, new LibpqDefaults(this.home,
				List.of(this.home.resolve("run"), this.home.resolve("tmp")), () -> List.of(this.home.resolve("etc"))));
	}

}
