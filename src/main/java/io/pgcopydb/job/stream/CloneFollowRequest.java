package io.pgcopydb.job.stream;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.job.JobRequest;
import io.pgcopydb.job.clone.CloneRequest;

/**
 * {@code clone --follow}: the clone and the follow of one migration, run by one process
 * in one --dir. Each half keeps its own request; their --dir is the same.
 */
public record CloneFollowRequest(CloneRequest copy, FollowRequest follow) implements JobRequest {

	@Override
	public WorkDirectory workDirectory() {
		return this.copy.workDirectory();
	}

	@Override
	public String command() {
		return "clone --follow";
	}

	@Override
	public String describe() {
		return this.copy.describe() + ", then " + this.follow.describe();
	}

}
