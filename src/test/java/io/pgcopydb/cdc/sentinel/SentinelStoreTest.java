package io.pgcopydb.cdc.sentinel;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SentinelStoreTest {

	@TempDir
	Path dir;

	private SingleConnectionDataSource dataSource;

	private SentinelStore store;

	@BeforeEach
	void repository() {
		this.dataSource = new SingleConnectionDataSource("jdbc:sqlite:" + this.dir.resolve("pgcopydb.db"), true);
		this.store = new SentinelStore(new JdbcTemplate(this.dataSource));
	}

	@AfterEach
	void close() {
		this.dataSource.destroy();
	}

	private void schema() {
		new ResourceDatabasePopulator(new ClassPathResource("repository/stream-schema.sql")).execute(this.dataSource);
	}

	@Test
	void aRepositoryWithoutSentinelNamesTheRemedy() {
		assertThatThrownBy(this.store::get).isInstanceOf(BadStateException.class)
			.hasMessageContaining("run pgcopydb stream setup or clone --follow with this --dir");
		schema();
		assertThatThrownBy(this.store::get).isInstanceOf(BadStateException.class).hasMessageContaining("stream setup");
		assertThatThrownBy(() -> this.store.setApply(true)).isInstanceOf(BadStateException.class);
	}

	@Test
	void theJobsProgressAndTheOperatorsSettingsShareOneRow() {
		schema();
		this.store.init(Lsn.parse("0/16B6C50", "t"), null);
		Sentinel sentinel = this.store.get();
		assertThat(sentinel.startpos()).isEqualTo(Lsn.parse("0/16B6C50", "t"));
		assertThat(sentinel.endpos()).isEqualTo(Lsn.INVALID);
		assertThat(sentinel.apply()).isFalse();
		assertThat(sentinel.replayTime()).isNull();
		this.store.setApply(true);
		this.store.reportReceived(Lsn.parse("1/100", "t"), Lsn.parse("1/80", "t"));
		Instant commit = Instant.parse("2024-05-01T10:00:00.123456Z");
		this.store.reportApplied(Lsn.parse("1/20", "t"), commit);
		this.store.setEndpos(Lsn.parse("1/20", "t"));
		sentinel = this.store.get();
		assertThat(sentinel.apply()).isTrue();
		assertThat(sentinel.writeLsn()).isEqualTo(Lsn.parse("1/100", "t"));
		assertThat(sentinel.flushLsn()).isEqualTo(Lsn.parse("1/80", "t"));
		assertThat(sentinel.replayLsn()).isEqualTo(Lsn.parse("1/20", "t"));
		assertThat(sentinel.replayTime()).isEqualTo(commit);
		assertThat(sentinel.endpos()).isEqualTo(Lsn.parse("1/20", "t"));
		assertThat(sentinel.endposReached()).isTrue();
		assertThat(sentinel.lagBytes()).isEqualTo(0x60);
		assertThat(sentinel.lagTime(commit.plusSeconds(3))).isEqualTo(Duration.ofSeconds(3));
		this.store.setApply(false);
		assertThat(this.store.get().apply()).isFalse();
		// a new setup starts over
		this.store.init(Lsn.parse("2/0", "t"), Lsn.parse("3/0", "t"));
		assertThat(this.store.get().replayLsn()).isEqualTo(Lsn.INVALID);
		assertThat(this.store.get().endpos()).isEqualTo(Lsn.parse("3/0", "t"));
	}

	@Test
	void caughtUpOnAnIdleSourceTheLagIsZeroAndReplayNeverGoesBack() {
		schema();
		this.store.init(Lsn.parse("0/100", "t"), null);
		Instant commit = Instant.parse("2024-05-01T10:00:00Z");
		this.store.reportApplied(Lsn.parse("0/500", "t"), commit);
		this.store.reportReceived(Lsn.parse("0/900", "t"), Lsn.parse("0/900", "t"));
		assertThat(this.store.get().lagBytes()).isEqualTo(0x400);
		this.store.reportCaughtUp(Lsn.parse("0/900", "t"));
		Sentinel sentinel = this.store.get();
		assertThat(sentinel.replayLsn()).isEqualTo(Lsn.parse("0/900", "t"));
		assertThat(sentinel.replayTime()).isEqualTo(commit);
		assertThat(sentinel.lagBytes()).isZero();
		assertThat(sentinel.lagTime(commit.plusSeconds(60))).isEqualTo(Duration.ZERO);
		this.store.reportCaughtUp(Lsn.parse("0/700", "t"));
		assertThat(this.store.get().replayLsn()).isEqualTo(Lsn.parse("0/900", "t"));
	}

	@Test
	void anEndposBeforeWhatWasAppliedIsRefused() {
		schema();
		this.store.init(Lsn.parse("0/100", "t"), null);
		this.store.reportApplied(Lsn.parse("0/500", "t"), Instant.now());
		assertThatThrownBy(() -> this.store.setEndpos(Lsn.parse("0/400", "t")))
			.isInstanceOf(BadArgumentsException.class)
			.hasMessageContaining("endpos 0/400 is before replay_lsn 0/500");
		this.store.setEndpos(Lsn.parse("0/500", "t"));
		this.store.setEndpos(Lsn.INVALID);
		assertThat(this.store.get().endpos()).isEqualTo(Lsn.INVALID);
	}

}
