package io.pgcopydb.job;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.signal.StopSignal;

/**
 * Lets {@code pgcopydb job stop ID}, run in another process, stop this one: that command
 * records the job execution STOPPING in the shared repository; this watcher reads the
 * status every {@link #POLL} while the job runs and then raises the same
 * {@link StopSignal} as SIGTERM does.
 */
public class StopRequestWatcher {

	/** How often the status is read: a stop takes effect within about this. */
	static final Duration POLL = Duration.ofMillis(200);

	private static final Logger logger = LoggerFactory.getLogger(StopRequestWatcher.class);

	private final JdbcTemplate jdbc;

	private final StopSignal stop;

	private ScheduledExecutorService scheduler;

	public StopRequestWatcher(JdbcTemplate jdbc, StopSignal stop) {
		this.jdbc = jdbc;
		this.stop = stop;
	}

	public synchronized void watch(long jobExecutionId) {
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "stop-watcher");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleWithFixedDelay(() -> {
			// a failed poll (a busy repository) must not end the watching: a scheduled
			// task that throws is never run again
			try {
				String status = this.jdbc.queryForObject(
						"SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?", String.class,
						jobExecutionId);
				if ("STOPPING".equals(status)) {
					this.stop.request("job stop " + jobExecutionId);
				}
			}
			catch (RuntimeException ex) {
				logger.debug("reading the status of job execution {} failed: {}", jobExecutionId, ex.getMessage());
			}
		}, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
	}

	public synchronized void unwatch() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

}
