package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.error.BadArgumentsException;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code service=} and pg_service.conf, with libpq's search order and precedence. */
class ServiceFileTest {

	private static final String SECRET = "S3rv1ce-Secret";

	@TempDir
	Path home;

	private final Map<String, String> env = new HashMap<>();

	@Test
	void serviceFillsWhatTheStringLeavesOut() throws IOException {
		writeUserFile("""
				# production copy
				[other]
				host=wrong
				[src]
				host=db.example.com
				 port = 5433
				dbname=pagila
				user=app
				sslmode=require
				""");
		ConnectionString cs = parse("service=src dbname=override");
		assertThat(cs.host()).isEqualTo("db.example.com");
		assertThat(cs.port()).isEqualTo(5433);
		assertThat(cs.user()).isEqualTo("app");
		assertThat(cs.database()).as("the string wins").isEqualTo("override");
		assertThat(cs.jdbcProperties()).containsEntry("sslmode", "require");
		assertThat(cs.libpqUri()).isEqualTo("postgres://app@db.example.com:5433/override?sslmode=require");
	}

	@Test
	void serviceWinsOverTheEnvironment() throws IOException {
		writeUserFile("[src]\nhost=fromservice\n");
		this.env.putAll(Map.of("PGHOST", "fromenv", "PGPORT", "6000"));
		ConnectionString cs = parse("service=src");
		assertThat(cs.host()).isEqualTo("fromservice");
		assertThat(cs.port()).as("what the service leaves out still comes from the environment").isEqualTo(6000);
	}

	@Test
	void pgserviceNamesTheServiceWhenTheStringDoesNot() throws IOException {
		writeUserFile("[a]\nhost=ha\n[b]\nhost=hb\n");
		this.env.put("PGSERVICE", "b");
		assertThat(parse("dbname=db").host()).isEqualTo("hb");
		assertThat(parse("service=a dbname=db").host()).isEqualTo("ha");
	}

	@Test
	void pgservicefileReplacesTheFileInTheHomeDirectory() throws IOException {
		writeUserFile("[src]\nhost=inhome\n");
		Path other = Files.writeString(this.home.resolve("elsewhere.conf"), "[src]\nhost=elsewhere\n");
		this.env.put("PGSERVICEFILE", other.toString());
		assertThat(parse("service=src").host()).isEqualTo("elsewhere");
	}

	@Test
	void systemFileIsSearchedOnlyWhenTheUserFileLacksTheService() throws IOException {
		writeUserFile("[mine]\nhost=user\n");
		Path sysconf = Files.createDirectories(this.home.resolve("sysconf"));
		Files.writeString(sysconf.resolve("pg_service.conf"), "[mine]\nhost=system\n[shared]\nhost=system\n");
		this.env.put("PGSYSCONFDIR", sysconf.toString());
		assertThat(parse("service=mine").host()).isEqualTo("user");
		assertThat(parse("service=shared").host()).isEqualTo("system");
	}

	@Test
	void withoutPgsysconfdirTheDefaultSysconfDirectoriesAreSearched() throws IOException {
		Path etc = Files.createDirectories(this.home.resolve("etc"));
		Files.writeString(etc.resolve("pg_service.conf"), "[shared]\nhost=packaged\n");
		assertThat(parse("service=shared").host()).isEqualTo("packaged");
	}

	@Test
	void passwordInTheServiceIsUsedButNeverShown() throws IOException {
		writeUserFile("[src]\nhost=h\nuser=app\npassword=" + SECRET + "\n");
		this.env.put("PGPASSWORD", "fromenv");
		ConnectionString cs = parse("service=src");
		assertThat(cs.password()).as("the service wins over PGPASSWORD").contains(SECRET);
		assertThat(cs.childEnvironment()).containsEntry("PGPASSWORD", SECRET);
		assertThat(cs.toString()).isEqualTo("postgres://app@h:5432/app").doesNotContain(SECRET);
		assertThat(cs.libpqUri()).doesNotContain(SECRET);
	}

	@Test
	void unknownServiceNamesTheServiceAndTheFilesSearched() {
		this.env.put("PGSYSCONFDIR", "/nonexistent/sysconf");
		assertThat(failure("service=nope dbname=db")).startsWith("--source: service \"nope\" is defined in none of")
			.contains(this.home.resolve(".pg_service.conf").toString(), "/nonexistent/sysconf/pg_service.conf",
					"PGSERVICEFILE")
			.doesNotContain("\n");
	}

	@Test
	void malformedServiceLinesNameTheFileAndLineButNotTheValue() throws IOException {
		writeUserFile("[src]\nhost=h\npassword " + SECRET + "\n");
		assertThat(failure("service=src")).contains("service \"src\"", ".pg_service.conf line 3", "keyword=value")
			.doesNotContain(SECRET);
		writeUserFile("[src]\nhots=h\n");
		assertThat(failure("service=src")).contains("line 2", "invalid connection option \"hots\"");
		writeUserFile("[src]\nservice=other\n");
		assertThat(failure("service=src")).contains("names another service");
	}

	private void writeUserFile(String content) throws IOException {
		Files.writeString(this.home.resolve(".pg_service.conf"), content);
	}

	private ConnectionString parse(String raw) {
		return ConnectionString.parse(raw, "--source", this.env, new LibpqDefaults(this.home,
				List.of(this.home.resolve("run")), () -> List.of(this.home.resolve("etc"))));
	}

	private String failure(String raw) {
		try {
			parse(raw);
		}
		catch (BadArgumentsException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("expected a BadArgumentsException for " + raw);
	}

}
