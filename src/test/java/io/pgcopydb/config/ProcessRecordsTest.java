package io.pgcopydb.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The records a --dir keeps of its processes' tags and running children, and the start
 * time check that keeps a reused pid from being taken for one of ours.
 */
class ProcessRecordsTest {

	@TempDir
	Path dir;

	@Test
	void earlierTagsAreTheRecordedOnesButThisProcesssUntilForgotten() throws Exception {
		ProcessRecords records = new WorkDirectory(this.dir).processRecords();
		SessionTag killed = new SessionTag("aaaaaaaa");
		SessionTag stopped = new SessionTag("bbbbbbbb");
		records.register(killed, "clone");
		records.register(stopped, "copy data");
		records.register(SessionTag.current(), "clone --resume");

		assertThat(records.earlier(SessionTag.current())).containsExactly(killed, stopped);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.dir.resolve("processes"))))
			.isEqualTo("rw-------");

		records.forget(List.of(killed, stopped));

		assertThat(records.earlier(SessionTag.current())).isEmpty();
		assertThat(records.earlier(killed)).containsExactly(SessionTag.current());
	}

	/**
	 * A --dir copied with its files carries the tags of a process that still runs
	 * elsewhere: its sessions are not ours to end.
	 */
	@Test
	void aTagWhoseProcessStillRunsIsNotAnEarlierOne() throws Exception {
		Process other = new ProcessBuilder("sleep", "60").start();
		try {
			ProcessRecords records = new WorkDirectory(this.dir).processRecords();
			records.register(SessionTag.current(), "clone");
			String start = ProcessRecords.startTime(other.pid()).orElseThrow();
			Files.writeString(this.dir.resolve("processes"),
					"cccccccc " + other.pid() + " " + start + " clone\n" + "dddddddd 999999999 12345 clone\n",
					java.nio.file.StandardOpenOption.APPEND);

			assertThat(records.earlier(SessionTag.current())).containsExactly(new SessionTag("dddddddd"));
		}
		finally {
			other.destroyForcibly();
		}
	}

	@Test
	void aChildIsRecordedOwnerOnlyWhileItRunsAndTerminatedWhenFound() throws Exception {
		Process sleep = new ProcessBuilder("sleep", "60").start();
		try {
			ProcessRecords records = new WorkDirectory(this.dir).processRecords();
			AutoCloseable record = records.recordChild(sleep.pid(), "pg_restore pre.dump");

			List<ProcessRecords.Child> children = records.children();
			assertThat(children).singleElement().satisfies((child) -> {
				assertThat(child.pid()).isEqualTo(sleep.pid());
				assertThat(child.what()).isEqualTo("pg_restore pre.dump");
				assertThat(child.tag()).isEqualTo(SessionTag.current().value());
				assertThat(child.alive()).isTrue();
			});
			assertThat(PosixFilePermissions.toString(
					Files.getPosixFilePermissions(this.dir.resolve("children").resolve(Long.toString(sleep.pid())))))
				.isEqualTo("rw-------");

			assertThat(children.get(0).terminate(Duration.ofSeconds(5))).isTrue();
			assertThat(sleep.waitFor()).isEqualTo(143);
			assertThat(children.get(0).alive()).isFalse();

			record.close();
			assertThat(records.children()).isEmpty();
		}
		finally {
			sleep.destroyForcibly();
		}
	}

	@Test
	void aReusedPidIsNotTakenForTheRecordedChild() throws Exception {
		Process other = new ProcessBuilder("sleep", "60").start();
		try {
			Path file = Files.createDirectories(this.dir.resolve("children")).resolve(Long.toString(other.pid()));
			String recordedStart = ProcessRecords.startTime(other.pid()).orElseThrow();
			Files.writeString(file, other.pid() + " " + (Long.parseLong(recordedStart) - 1) + " aaaaaaaa pg_dump");

			ProcessRecords.Child child = new WorkDirectory(this.dir).processRecords().children().get(0);

			assertThat(child.alive()).isFalse();
			assertThat(child.terminate(Duration.ofSeconds(1))).isTrue();
			assertThat(other.isAlive()).isTrue();
		}
		finally {
			other.destroyForcibly();
		}
	}

	@Test
	void startTimeIsEmptyForAProcessThatIsGone() throws Exception {
		Process done = new ProcessBuilder("true").start();
		done.waitFor();

		assertThat(ProcessRecords.startTime(done.pid())).isEmpty();
		assertThat(ProcessRecords.startTime(ProcessHandle.current().pid())).isPresent();
	}

}
