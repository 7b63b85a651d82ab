package io.pgcopydb.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.pgcopydb.job.clone.Stage;

/**
 * {@code pgcopydb clone}: the whole database, schema then data then indexes and
 * constraints, in one job.
 */
@Command(name = "clone", aliases = "fork", sortOptions = false, mixinStandardHelpOptions = true,
		description = "Clone an entire database from the source to the target: schema, data, indexes, constraints, "
				+ "sequences, large objects, then VACUUM ANALYZE.")
final class CloneCommand implements Callable<Integer> {

	@Mixin
	CloneOptions options;

	@Option(names = "--follow",
			description = "Then replay the source's changes (logical decoding) until endpos: online migration; the"
					+ " clone reads the source in the snapshot of the follow's slot.")
	boolean follow;

	@Mixin
	FollowOptions stream;

	@Override
	public Integer call() {
		return this.follow ? this.options.launchFollow(this.stream) : this.options.launch("clone", Stage.ALL);
	}

}
