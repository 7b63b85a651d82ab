package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.job.BatchContext;
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stream sentinel get|set} from a second process on the repository of a --dir, as
 * an operator steers a running follow: each setting is read back by {@code get}, endpos
 * {@code --current} is the source's WAL insert position at the time of the call, and the
 * mistakes an operator can make end with a one-line error and its exit code.
 */
@ExtendWith(PostgresExtension.class)
class StreamSentinelIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void theSentinelIsSetAndReadFromAnotherProcess(PgServers servers, @TempDir Path tmp) throws SQLException {
		WorkDirectory dir = new WorkDirectory(tmp.resolve("work")).create();
		String d = dir.root().toString();

		PgCopyDbRun none = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "get", "--dir", d);
		assertThat(none.exitCode()).as(none.toString()).isEqualTo(3);
		assertThat(none.errorLines()).first().asString().contains("--dir");

		try (ConfigurableApplicationContext context = BatchContext.start(dir)) {
			// the repository's tables, as any job of this --dir creates them
		}
		PgCopyDbRun notSetUp = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "set", "apply", "--dir", d);
		assertThat(notSetUp.exitCode()).as(notSetUp.toString()).isEqualTo(3);
		assertThat(notSetUp.errorLines()).first()
			.asString()
			.contains("run pgcopydb stream setup or clone --follow with this --dir");

		RunRepository.withConnection(dir, (repository) -> {
			new SentinelStore(repository).init(Lsn.parse("0/1000000", "startpos"), null);
			return null;
		});
		PgCopyDbRun startpos = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "set", "startpos", "0/2000000", "--dir",
				d);
		assertThat(startpos.exitCode()).as(startpos.toString()).isZero();
		PgCopyDbRun apply = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "set", "apply", "--dir", d);
		assertThat(apply.exitCode()).as(apply.toString()).isZero();
		JsonNode json = getJson(d);
		assertThat(json.get("startpos").asString()).isEqualTo("0/2000000");
		assertThat(json.get("apply").asString()).isEqualTo("enabled");
		assertThat(json.get("endpos").asString()).isEqualTo("0/0");

		Lsn before = insertLsn(servers.source());
		PgCopyDbRun current = PgCopyDbRun.run(Map.of("PGCOPYDB_SOURCE_PGURI", servers.source().uri("postgres")),
				"stream", "sentinel", "set", "endpos", "--current", "--dir", d);
		Lsn after = insertLsn(servers.source());
		assertThat(current.exitCode()).as(current.toString()).isZero();
		assertThat(current.stdout()).startsWith("endpos ");
		Lsn endpos = Lsn.parse(current.stdout().trim().substring("endpos ".length()), "printed endpos");
		assertThat(endpos).isBetween(before, after);
		assertThat(getJson(d).get("endpos").asString()).isEqualTo(endpos.asString());

		// the job reports what it applied; an endpos before it is refused
		RunRepository.withConnection(dir, (repository) -> {
			new SentinelStore(repository).reportApplied(endpos, Instant.now());
			return null;
		});
		PgCopyDbRun early = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "set", "endpos", "0/1", "--dir", d);
		assertThat(early.exitCode()).as(early.toString()).isEqualTo(1);
		assertThat(early.errorLines()).first().asString().contains("before replay_lsn " + endpos);

		PgCopyDbRun prefetch = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "set", "prefetch", "--dir", d);
		assertThat(prefetch.exitCode()).as(prefetch.toString()).isZero();
		PgCopyDbRun text = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "get", "--dir", d);
		assertThat(text.exitCode()).as(text.toString()).isZero();
		assertThat(text.stdout()).contains("apply        disabled", "replay_lsn   " + endpos, "lag_bytes    0");

		PgCopyDbRun noSource = PgCopyDbRun.run(Map.of("PGCOPYDB_SOURCE_PGURI", ""), "stream", "sentinel", "set",
				"endpos", "--current", "--dir", d);
		assertThat(noSource.exitCode()).as(noSource.toString()).isEqualTo(1);
		assertThat(noSource.errorLines()).first().asString().contains("PGCOPYDB_SOURCE_PGURI");
	}

	private static JsonNode getJson(String dir) {
		PgCopyDbRun get = PgCopyDbRun.run(Map.of(), "stream", "sentinel", "get", "--json", "--dir", dir);
		assertThat(get.exitCode()).as(get.toString()).isZero();
		return JSON.readTree(get.stdout());
	}

	private static Lsn insertLsn(PgServer server) throws SQLException {
		try (Connection connection = server.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
			rs.next();
			return Lsn.parse(rs.getString(1), "insert LSN");
		}
	}

}
