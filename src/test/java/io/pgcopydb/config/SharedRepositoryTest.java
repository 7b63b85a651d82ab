package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedRepositoryTest {

	@Test
	void takesTheJdbcFormWithItsCredentialsAndNeverShowsThePassword() {
		SharedRepository repository = SharedRepository.of(
				"jdbc:postgresql://repo.example.com:5433/batch?user=ops&password=S3cr%2Ft&sslmode=require", "nightly",
				Path.of("/var/lib/pgcopydb"));

		assertThat(repository.jdbcUrl()).isEqualTo("jdbc:postgresql://repo.example.com:5433/batch");
		assertThat(repository.schema()).isEqualTo("nightly");
		var properties = repository.jdbcProperties("repository");
		assertThat(properties.getProperty("user")).isEqualTo("ops");
		assertThat(properties.getProperty("password")).isEqualTo("S3cr/t");
		assertThat(properties.getProperty("currentSchema")).isEqualTo("nightly");
		assertThat(properties.getProperty("sslmode")).isEqualTo("require");
		assertThat(properties.getProperty("ApplicationName")).startsWith(SessionTag.PREFIX).endsWith("repository");
		assertThat(repository.toString()).contains("repo.example.com:5433/batch", "nightly")
			.doesNotContain("S3cr")
			.contains(ConnectionString.MASK);
	}

	@Test
	void takesALibpqUriToo() {
		SharedRepository repository = SharedRepository.of("postgres://ops@127.0.0.1:5432/batch", "r1", Path.of("/x"));
		assertThat(repository.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/batch");
		assertThat(repository.connection().user()).isEqualTo("ops");
	}

	@Test
	void refusesAnotherJdbcDriver() {
		assertThatThrownBy(() -> SharedRepository.of("jdbc:sqlite:/tmp/x.db", null, Path.of("/x")))
			.isInstanceOf(BadArgumentsException.class)
			.hasMessageContaining("--repository-url takes a PostgreSQL database");
	}

	@Test
	void defaultRunNameIsTheDirectorysNameAndAHashOfItsPathAndHost(@TempDir Path tmp) throws IOException {
		String name = SharedRepository.defaultName(Path.of("/data/migrations/Sales-2026"));
		assertThat(name).matches("sales_2026_[0-9a-f]{8}");
		assertThat(SharedRepository.defaultName(Path.of("/other/place/Sales-2026"))).as("same name, other place")
			.isNotEqualTo(name)
			.startsWith("sales_2026_");
		assertThat(SharedRepository.defaultName(Path.of("/data/migrations/./Sales-2026"))).isEqualTo(name);
		assertThat(SharedRepository.defaultName(Path.of("/tmp/pgcopydb"), "host1")).as("same path, other host")
			.isNotEqualTo(SharedRepository.defaultName(Path.of("/tmp/pgcopydb"), "host2"));
		Path real = Files.createDirectories(tmp.resolve("real/work"));
		Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
		assertThat(SharedRepository.defaultName(link.resolve("work"), "h")).as("through a symbolic link")
			.isEqualTo(SharedRepository.defaultName(real, "h"));
		assertThat(SharedRepository.defaultName(link.resolve("work/not-yet"), "h"))
			.isEqualTo(SharedRepository.defaultName(real.resolve("not-yet"), "h"));
		assertThat(SharedRepository.defaultName(Path.of("/tmp/2026"))).startsWith("run_2026_");
		assertThat(SharedRepository.defaultName(Path.of("/tmp/pg_runs"))).startsWith("run_pg_runs_");
		assertThat(SharedRepository.defaultName(Path.of("/tmp/" + "x".repeat(100)))).hasSize(49);
		assertThat(SharedRepository.checkedName(name)).isEqualTo(name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Upper", "with-dash", "1starts_with_digit", "_underscore", "pg_catalog", "public",
			"information_schema", "a;drop", "" })
	void refusesARunNameThatIsNoPlainSchemaName(String name) {
		assertThatThrownBy(() -> SharedRepository.checkedName(name)).isInstanceOf(BadArgumentsException.class)
			.hasMessageContaining("--run-name")
			.hasMessageContaining("lower-case")
			.extracting((ex) -> ((BadArgumentsException) ex).exitCode())
			.isEqualTo(ExitCode.BAD_ARGUMENTS);
	}

	@Test
	void leaseKeysDifferPerRun() {
		SharedRepository one = SharedRepository.of("postgres://ops@h/batch", "one", Path.of("/x"));
		SharedRepository two = SharedRepository.of("postgres://ops@h/batch", "two", Path.of("/x"));
		assertThat(RepositoryLease.key(one)).isNotEqualTo(RepositoryLease.key(two))
			.isEqualTo(RepositoryLease.key(SharedRepository.of("postgres://other@h2/db", "one", Path.of("/y"))));
	}

}
