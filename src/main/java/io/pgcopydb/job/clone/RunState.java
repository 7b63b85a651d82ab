package io.pgcopydb.job.clone;

import java.util.Set;

import io.pgcopydb.snapshot.SnapshotSource;

/**
 * What the run this process continues had done before it started, as {@link CloneRuns}
 * read it from the JobRepository, and where its snapshot comes from. Steps use it to
 * decide what a continuation must redo or check: a pre-data restore that was attempted is
 * redone with --clean, a snapshot change is refused only when a source-reading stage is
 * resumed midway.
 */
class RunState {

	private volatile Set<String> attempted = Set.of();

	private volatile Set<String> completed = Set.of();

	private volatile SnapshotSource snapshot = new SnapshotSource.Export();

	void set(Set<String> attempted, Set<String> completed) {
		this.attempted = Set.copyOf(attempted);
		this.completed = Set.copyOf(completed);
	}

	/**
	 * Where the snapshot to read the source in comes from: --snapshot, the one a
	 * {@code pgcopydb snapshot} process holds for --dir, or a new export.
	 */
	SnapshotSource snapshot() {
		return this.snapshot;
	}

	void snapshot(SnapshotSource source) {
		this.snapshot = source;
	}

	/**
	 * Whether this execution finishes a source-reading stage that an earlier one began
	 * and did not complete: tables copied then and now must come from the same snapshot.
	 */
	boolean resumesSourceReads(CloneRequest request) {
		return request.stages()
			.stream()
			.anyMatch((stage) -> stage.readsSource() && attempted(stage.stepName()) && !completed(stage.stepName()));
	}

	/** The step ran, at least partly, in an earlier execution of the run. */
	boolean attempted(String stepName) {
		return this.attempted.contains(stepName);
	}

	boolean completed(String stepName) {
		return this.completed.contains(stepName);
	}

	/**
	 * Whether this execution reads the source: the catalog is still to read, or a stage
	 * to run reads it.
	 */
	boolean readsSource(CloneRequest request) {
		if (!completed(CloneSteps.CATALOG)) {
			return true;
		}
		return request.stages().stream().anyMatch((stage) -> stage.readsSource() && !completed(stage.stepName()));
	}

}
