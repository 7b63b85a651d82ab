package io.pgcopydb.job.partition;

import java.util.List;

/**
 * Decides, for one partition waiting to start, what happens to it now, from the status of
 * what it depends on: nothing here runs anything or reads a repository, so every decision
 * is a pure function of its arguments.
 * <ul>
 * <li>{@link Stop}: a stop was requested, nothing starts;
 * <li>{@link Fail}: a dependency failed in this execution, or the steps that run the
 * dependencies ({@code upstreamSteps}) have ended without completing it, so it never will
 * in this execution (the partition is recorded FAILED and a restart runs it); a
 * dependency on a partition of the same step waits for that partition's own end;
 * <li>{@link Start}: every dependency is COMPLETED;
 * <li>{@link Wait}: otherwise.
 * </ul>
 */
public final class PartitionGate {

	private final List<String> upstreamSteps;

	/**
	 * @param upstreamSteps the manager steps whose partitions this step's partitions
	 * depend on: once they have all ended, a dependency not completed never will be
	 */
	public PartitionGate(List<String> upstreamSteps) {
		this.upstreamSteps = List.copyOf(upstreamSteps);
	}

	/**
	 * @param stopReason why a stop was requested, or null when none was
	 */
	public Decision decide(PartitionSpec partition, StatusView status, String stopReason) {
		if (stopReason != null) {
			return new Stop("not started: " + stopReason);
		}
		boolean waiting = false;
		Boolean upstreamEnded = null;
		for (PartitionKey dependency : partition.dependsOn()) {
			String name = dependency.stepName();
			if (status.isCompleted(name)) {
				continue;
			}
			boolean sameStep = dependency.worker().equals(partition.key().worker());
			if (!sameStep && upstreamEnded == null) {
				upstreamEnded = this.upstreamSteps.stream().allMatch(status::hasEnded);
			}
			if (status.hasFailed(name) || (!sameStep && upstreamEnded)) {
				// read again: the dependency may have completed, and then its step ended,
				// since it was first read (a partition is recorded before its step ends)
				if (status.isCompleted(name)) {
					continue;
				}
				return new Fail("not started: " + name + " did not complete");
			}
			waiting = true;
		}
		return waiting ? new Wait() : new Start();
	}

	/** The steps this gate waits on, whose end fails what they did not complete. */
	public List<String> upstreamSteps() {
		return this.upstreamSteps;
	}

	/** What to do with a waiting partition. */
	public sealed interface Decision {

	}

	/** Start it now. */
	public record Start() implements Decision {
	}

	/** Keep it waiting. */
	public record Wait() implements Decision {
	}

	/** Record it FAILED, not run, for {@code reason} (what will not complete). */
	public record Fail(String reason) implements Decision {
	}

	/** Record it STOPPED, not run. */
	public record Stop(String reason) implements Decision {
	}

}
