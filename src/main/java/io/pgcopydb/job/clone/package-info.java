/**
 * The clone job: {@link io.pgcopydb.job.clone.CloneJob} for the launcher, the step order
 * in {@link io.pgcopydb.job.clone.CloneJobConfiguration#cloneJob}, its step names
 * ({@link io.pgcopydb.job.clone.CloneSteps}), the stages a command runs
 * ({@link io.pgcopydb.job.clone.Stage}), how a command's execution is chosen (new,
 * continued, resumed: {@link io.pgcopydb.job.clone.CloneRuns}), the work plan it stores
 * in the repository, its partitioners and its progress queries. Tasklets hold no SQL of
 * their own: they read the plan, call the catalog, schema, copy and snapshot packages,
 * and record counts.
 */
package io.pgcopydb.job.clone;
