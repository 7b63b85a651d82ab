/**
 * The job layer's shared wiring, for every job: the {@link io.pgcopydb.job.Launcher}
 * (lock, context, signals, run, summary, exit code) that every job-running command calls
 * with a {@link io.pgcopydb.job.JobDefinition} and a {@link io.pgcopydb.job.JobRequest};
 * the per-command Spring context with its embedded JobRepository
 * ({@link io.pgcopydb.job.BatchContext}, every bean imported by name); the
 * {@link io.pgcopydb.job.RunOutcome} of an execution, {@code PAUSED} included; the
 * {@link io.pgcopydb.job.RunLifecycleListener} around each execution; a clean stop for
 * tasklets and {@code job stop}; and the runs a --dir records
 * ({@link io.pgcopydb.job.Runs}, {@link io.pgcopydb.job.RunRepository}). It knows no job:
 * each job lives in a sub-package with its definition, configuration, step names and
 * progress queries; partitioned steps use {@code job.partition}.
 */
package io.pgcopydb.job;
