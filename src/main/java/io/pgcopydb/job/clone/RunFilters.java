package io.pgcopydb.job.clone;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.job.Runs;

/**
 * The filters of the last clone recorded in a --dir and the plan its catalog step made of
 * them, read from its repository: what {@code restore parse-list} marks in the archives.
 * Read-only short statements, so it works beside a running clone.
 */
public class RunFilters {

	private final JdbcTemplate jdbc;

	private final Runs runs;

	private final JobRepository repository;

	public RunFilters(JdbcTemplate jdbc, Runs runs, JobRepository repository) {
		this.jdbc = jdbc;
		this.runs = runs;
		this.repository = repository;
	}

	/** The last clone's filters, or null when no clone is recorded. */
	public Recorded last() {
		Runs.Run last = this.runs.last(CloneSteps.JOB);
		if (last == null) {
			return null;
		}
		JobExecution execution = this.repository.getJobExecution(last.executionId());
		String digest = (execution != null)
				? execution.getExecutionContext().getString(CloneRuns.FILTERS_DIGEST_KEY, null) : null;
		String normalized = (execution != null) ? execution.getExecutionContext().getString(CloneRuns.FILTERS_KEY, "")
				: "";
		return new Recorded(last.instanceId(), digest, normalized,
				new FilterPlanRecord(this.jdbc).read(last.instanceId()));
	}

	/** The digest a run records for {@code filters}: "" for none. */
	public static String digest(io.pgcopydb.filter.Filters filters) {
		return CloneRuns.digest(filters);
	}

	/**
	 * @param instanceId the run's job instance
	 * @param digest its filters' digest ("" for none), null when the run did not record
	 * it
	 * @param normalized its filters, normalised ("" for none)
	 * @param plan what its catalog step left out ({@link FilterPlan#NONE} before the
	 * catalog step, or without filters)
	 */
	public record Recorded(long instanceId, String digest, String normalized, FilterPlan plan) {
	}

}
