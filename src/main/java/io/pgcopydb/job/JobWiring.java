package io.pgcopydb.job;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.pgcopydb.job.partition.StepStatusBoard;

/**
 * What the context of every running job has besides the repository: the watcher of
 * {@code job stop} requests, and the step statuses a run decides on. Not a member of
 * {@link BatchContext}: the repository-only context must not have it.
 */
@Configuration(proxyBeanMethods = false)
@Import({ StopRequestWatcher.class, StepStatusBoard.class })
class JobWiring {

}
