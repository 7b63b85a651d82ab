package io.pgcopydb.job.clone;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

import io.pgcopydb.error.StoppedException;
import io.pgcopydb.pg.SqlStates;
import io.pgcopydb.signal.StopSignal;
import io.pgcopydb.snapshot.RunSnapshot;

/**
 * Retries a unit of work (a copy partition) whose session died for a reason outside the
 * work: an administrator's pg_terminate_backend, a lost connection, a server crash. With
 * Spring Framework's core retry ({@link RetryTemplate}; Spring Batch's own retry is for
 * chunk steps): a few attempts with exponential backoff, each logged at WARN with its
 * cause.
 * <p>
 * A retry reads the source in the run's snapshot again, so it is only made while that
 * snapshot is still valid ({@link RunSnapshot#stillValid}); once it is lost the failure
 * says so ({@link RunSnapshot#lost}) and is not retried. The work itself must make a
 * retry safe (the copy's TRUNCATE and COPY commit together: a failed attempt left
 * nothing). A failure of the work itself (a constraint, a privilege, a cancel on stop) is
 * never retried, nor work the stall watcher gave up on (its backend may be frozen and
 * hold the unit's lock), nor a slice whose commit may have happened, nor anything after a
 * stop was requested, backoff included.
 */
class TransientFaults {

	private static final Logger logger = LoggerFactory.getLogger(TransientFaults.class);

	/** Attempts after the first one. */
	static final int RETRIES = 3;

	private final RunSnapshot snapshot;

	private final StopSignal stop;

	private final String resumeCommand;

	private final RetryTemplate template;

	/**
	 * @param firstDelay the wait before the first retry, doubled for each next one
	 * @param resumeCommand the command that resumes the run, for a lost snapshot
	 */
	TransientFaults(RunSnapshot snapshot, StopSignal stop, Duration firstDelay, String resumeCommand) {
		this.snapshot = snapshot;
		this.stop = stop;
		this.resumeCommand = resumeCommand;
		this.template = new RetryTemplate(RetryPolicy.builder()
			.maxRetries(RETRIES)
			.delay(firstDelay)
			.multiplier(2)
			.maxDelay(firstDelay.multipliedBy(8))
			.predicate(Retry.class::isInstance)
			.build());
	}

	/**
	 * Runs {@code work}, again while it fails with a lost session and the snapshot holds.
	 * @param doing what the work does, such as "copying table public.big", for messages
	 * @param readsSnapshot whether the work reads the source in the run's snapshot
	 */
	<T> T run(String doing, boolean readsSnapshot, Supplier<T> work) {
		int[] attempt = { 0 };
		try {
			return this.template.execute(() -> {
				attempt[0]++;
				if (attempt[0] > 1 && this.stop.requested()) {
					// a stop during the backoff: no new attempt
					throw new StoppedException(doing + " stopped on request before its next attempt; safe to resume");
				}
				try {
					return work.get();
				}
				catch (RuntimeException ex) {
					throw classify(doing, readsSnapshot, ex, attempt[0]);
				}
			});
		}
		catch (RetryException ex) {
			Throwable last = ex.getLastException();
			if (last instanceof Retry retry) {
				throw retry.failure;
			}
			if (last instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(last);
		}
	}

	private RuntimeException classify(String doing, boolean readsSnapshot, RuntimeException ex, int attempt) {
		SQLException sql = sqlCause(ex);
		if (sql == null || this.stop.requested() || ex instanceof CopyTableTasklet.StalledWork
				|| ex instanceof CopyTableTasklet.UnsureCommit) {
			return ex;
		}
		boolean sessionLost = SqlStates.cause(sql, false).sessionLost();
		// a session opened after the loss fails on SET TRANSACTION SNAPSHOT instead
		boolean importFailed = SqlStates.INVALID_PARAMETER_VALUE.equals(sql.getSQLState());
		if (readsSnapshot && (sessionLost || importFailed) && !this.snapshot.stillValid()) {
			return this.snapshot.lost(doing, this.resumeCommand, ex);
		}
		if (!sessionLost) {
			return ex;
		}
		if (attempt > RETRIES) {
			return ex;
		}
		logger.warn("{}; the source snapshot is still valid: retrying {} (attempt {} of {})", ex.getMessage(), doing,
				attempt + 1, RETRIES + 1);
		return new Retry(ex);
	}

	private static SQLException sqlCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			if (cause instanceof SQLException sql) {
				return sql;
			}
		}
		return null;
	}

	/** A failure worth another attempt; carries the one to throw when none is left. */
	private static final class Retry extends RuntimeException {

		private final RuntimeException failure;

		Retry(RuntimeException failure) {
			super(failure.getMessage(), failure, false, false);
			this.failure = failure;
		}

	}

}
