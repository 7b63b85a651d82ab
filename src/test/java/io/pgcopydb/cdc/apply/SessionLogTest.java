package io.pgcopydb.cdc.apply;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.error.BadStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log of which apply session each source transaction went to. */
class SessionLogTest {

	@TempDir
	Path dir;

	@Test
	void whatWasSyncedIsReadBackAndTheLastLineOfATransactionWins() {
		try (SessionLog log = SessionLog.open(this.dir, 3)) {
			assertThat(log.created()).isTrue();
			log.record(new Lsn(0x100), 0);
			log.record(new Lsn(0x200), 2);
			log.record(new Lsn(0x100), 1);
			log.sync();
		}
		assertThat(SessionLog.recordedSessions(this.dir)).isEqualTo(3);
		try (SessionLog log = SessionLog.open(this.dir, 3)) {
			assertThat(log.created()).isFalse();
			assertThat(log.assignments()).containsEntry(new Lsn(0x100), 1).containsEntry(new Lsn(0x200), 2).hasSize(2);
		}
	}

	@Test
	void aLineCutByACrashIsIgnored() throws Exception {
		try (SessionLog log = SessionLog.open(this.dir, 2)) {
			log.record(new Lsn(0x100), 1);
			log.sync();
		}
		Files.writeString(this.dir.resolve(SessionLog.FILE), "0/2", StandardCharsets.US_ASCII,
				StandardOpenOption.APPEND);
		try (SessionLog log = SessionLog.open(this.dir, 2)) {
			assertThat(log.assignments()).containsOnlyKeys(new Lsn(0x100));
		}
	}

	@Test
	void anotherCountOfSessionsIsRefusedWithTheRemedy() {
		SessionLog.open(this.dir, 4).close();
		assertThatThrownBy(() -> SessionLog.open(this.dir, 2)).isInstanceOf(BadStateException.class)
			.hasMessageContaining("--apply-jobs 4")
			.hasMessageContaining("--restart");
		assertThat(SessionLog.recordedSessions(this.dir.resolve("none"))).isZero();
	}

	@Test
	void compactionKeepsOnlyTheLinesAfterTheFlushedPosition() throws Exception {
		try (SessionLog log = SessionLog.open(this.dir, 2)) {
			long lines = (4L << 20) / 6;
			for (long i = 1; i <= lines; i++) {
				log.record(new Lsn(i * 0x100), (int) (i % 2));
			}
			log.sync();
			log.compact(new Lsn((lines - 5) * 0x100));
			log.record(new Lsn((lines + 1) * 0x100), 0);
			log.sync();
		}
		assertThat(Files.size(this.dir.resolve(SessionLog.FILE))).isLessThan(1024);
		try (SessionLog log = SessionLog.open(this.dir, 2)) {
			assertThat(log.assignments()).hasSize(6);
		}
	}

}
