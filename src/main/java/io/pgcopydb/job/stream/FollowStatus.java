package io.pgcopydb.job.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.SlotHealth;
import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.receive.StreamRecords;
import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.job.Runs;

/**
 * Where the follow of a --dir stands, for {@code job show} and {@code list progress}: the
 * sentinel, what setup created, the size of the change files, where an execution ended
 * and why, and, read on the source when it answers, how much WAL the slot holds back.
 * Reads only (the repository in short statements, the change directory's file sizes, one
 * catalog query on the source), so it works beside the running job.
 */
public class FollowStatus {

	/** Non-identifying job parameter: the command that ran a followJob execution. */
	public static final String COMMAND_PARAMETER = "command";

	private final JdbcTemplate jdbc;

	private final Runs runs;

	public FollowStatus(JdbcTemplate jdbc, Runs runs) {
		this.jdbc = jdbc;
		this.runs = runs;
	}

	/** The runs of the same repository. */
	public Runs runs() {
		return this.runs;
	}

	/**
	 * The follow of {@code dir} as {@code run} (an execution of any job of the dir) sees
	 * it; null when no follow is set up in the dir.
	 */
	public Status read(WorkDirectory dir, Runs.Run run) {
		Sentinel sentinel;
		try {
			sentinel = new SentinelStore(this.jdbc).get();
		}
		catch (PgCopyException | org.springframework.dao.DataAccessException ex) {
			return null;
		}
		StreamRecord stream;
		try {
			stream = new StreamRecords(this.jdbc).find().orElse(null);
		}
		catch (org.springframework.dao.DataAccessException ex) {
			stream = null;
		}
		List<String> unfollowed;
		try {
			unfollowed = new StreamRecords(this.jdbc).unfollowed();
		}
		catch (org.springframework.dao.DataAccessException ex) {
			unfollowed = List.of();
		}
		String command = (run != null) ? command(run.executionId()) : null;
		return new Status(sentinel, stream, changeFileBytes(dir.cdcDir()), command,
				(run != null) ? ended(run, sentinel, dir) : null, unfollowed);
	}

	/** The command recorded with a followJob execution, or null (an older run). */
	public String command(long executionId) {
		List<String> values = this.jdbc.queryForList(
				"SELECT PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS WHERE JOB_EXECUTION_ID = ? AND PARAMETER_NAME = ?",
				String.class, executionId, COMMAND_PARAMETER);
		return values.isEmpty() ? null : values.get(0);
	}

	/** The command of the last followJob execution of the dir, or null. */
	public String lastCommand() {
		Runs.Run last = this.runs.last(FollowSteps.JOB);
		return (last != null) ? command(last.executionId()) : null;
	}

	/** Where the execution is, in words: running, endpos reached, stopped, failed. */
	private String ended(Runs.Run run, Sentinel sentinel, WorkDirectory dir) {
		String status = run.status();
		return switch (status) {
			case "COMPLETED" -> "endpos " + sentinel.endpos() + " reached";
			case "STOPPED" -> "stopped (resume with --resume or job restart " + run.executionId() + ")";
			case "STOPPING" -> "stopping";
			case "ABANDONED" -> "abandoned";
			case "FAILED" -> "failed" + exitMessage(run.executionId());
			case "STARTING", "STARTED" ->
				dir.isLocked() ? "running" : "killed (recorded " + status + ", no process runs it)";
			default -> status.toLowerCase(java.util.Locale.ROOT);
		};
	}

	/** The first line of the execution's exit message, after a colon; empty if none. */
	private String exitMessage(long executionId) {
		List<String> messages = this.jdbc.queryForList(
				"SELECT EXIT_MESSAGE FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?", String.class, executionId);
		String message = messages.isEmpty() ? null : messages.get(0);
		if (message == null || message.isBlank()) {
			return "";
		}
		String first = message.strip().lines().findFirst().orElse("");
		return ": " + ((first.length() > 300) ? first.substring(0, 300) + "..." : first);
	}

	/** The bytes of the change files of --dir on disk, 0 when there are none. */
	static long changeFileBytes(Path dir) {
		if (!Files.isDirectory(dir)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).mapToLong((file) -> {
				try {
					return Files.size(file);
				}
				catch (IOException ex) {
					// removed by apply meanwhile
					return 0;
				}
			}).sum();
		}
		catch (IOException | java.io.UncheckedIOException ex) {
			return 0;
		}
	}

	/**
	 * The slot's health read on the source; never fails: a source that cannot be reached
	 * or read gives the reason instead.
	 */
	public static SlotReading slot(PgEndpoint source, String slot) {
		try (Connection connection = source.connect("follow status")) {
			return SlotHealth.read(connection, slot)
				.map((health) -> new SlotReading(health, null))
				.orElseGet(() -> new SlotReading(null, "replication slot " + slot + " is not on the source"));
		}
		catch (SQLException ex) {
			return new SlotReading(null, "source not reachable: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			return new SlotReading(null, "source not reachable: " + ex.getMessage());
		}
	}

	/**
	 * The follow of a --dir.
	 *
	 * @param stream what setup created, null when cleaned up
	 * @param changeFileBytes the change files' size on disk
	 * @param command the command that ran the execution shown, null when unknown
	 * @param ended where that execution is or ended, and why
	 * @param unfollowed the source's tables the follow's last check found outside its
	 * publications (created after setup): their changes are not followed
	 */
	public record Status(Sentinel sentinel, StreamRecord stream, long changeFileBytes, String command, String ended,
			List<String> unfollowed) {

		/**
		 * Where the target has applied through: the origin's position, or receive's
		 * durable position when apply has caught up with it (an idle source).
		 */
		public Lsn lastApplied() {
			return this.sentinel.replayLsn();
		}

	}

	/** The slot as read on the source, or why it could not be read. */
	public record SlotReading(SlotHealth health, String unavailable) {
	}

}
