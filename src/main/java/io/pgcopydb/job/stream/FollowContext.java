package io.pgcopydb.job.stream;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Every bean of the streaming job, imported by name: the job and its steps
 * ({@link FollowJobConfiguration}), the run chooser, the state its steps share, and the
 * source side.
 */
@Configuration(proxyBeanMethods = false)
@Import({ FollowJobConfiguration.class, FollowRuns.class, FollowState.class, SlotStreamSource.class })
public class FollowContext {

}
