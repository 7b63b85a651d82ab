package io.pgcopydb.job.clone;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.pgcopydb.progress.ProgressTracker;

/**
 * Every bean of the clone job, imported by name: the job and its steps
 * ({@link CloneJobConfiguration}), their partitioners, the run's plan, snapshot, sessions
 * and state, and the progress counters.
 */
@Configuration(proxyBeanMethods = false)
@Import({ CloneJobConfiguration.class, ClonePartitioners.class, CloneRuns.class, ClonePlan.class, RunState.class,
		Sessions.class, ProgressTracker.class })
public class CloneContext {

}
