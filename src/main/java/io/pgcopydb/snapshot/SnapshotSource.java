package io.pgcopydb.snapshot;

import java.time.Duration;
import java.util.Optional;

import io.pgcopydb.config.WorkDirectory;

/**
 * Where a run's source snapshot comes from: exported by the run itself, held by a
 * {@code pgcopydb snapshot} process for its --dir, or given: with {@code --snapshot}
 * today, and from the job context of the run for a process that takes part in another's
 * run (a remote worker adopts its manager's). {@link RunSnapshot#take} turns it into the
 * snapshot the run reads.
 */
public sealed interface SnapshotSource {

	/** How long a {@code pgcopydb snapshot} process may take to publish its snapshot. */
	Duration PUBLISH_WAIT = Duration.ofSeconds(30);

	/** The snapshot id, or null for {@link Export}. */
	String id();

	/** For the log: "snapshot X given with --snapshot". */
	String describe();

	/**
	 * The source a run uses: {@code given} when not null, else the snapshot a
	 * {@code pgcopydb snapshot} process holds for {@code dir} (waited for while it
	 * publishes), else a new export.
	 * @param givenBy how {@code given} was given, for the log ("with --snapshot")
	 */
	static SnapshotSource choose(String given, String givenBy, WorkDirectory dir) {
		if (given != null) {
			return new Given(given, givenBy);
		}
		Optional<String> held = new SnapshotPublication(dir).held(PUBLISH_WAIT);
		return held.<SnapshotSource>map((id) -> new Held(id, dir)).orElseGet(Export::new);
	}

	/** The run exports its own snapshot and holds it while it runs. */
	record Export() implements SnapshotSource {

		@Override
		public String id() {
			return null;
		}

		@Override
		public String describe() {
			return "a snapshot exported by this run";
		}

	}

	/** A snapshot published in --dir by a live {@code pgcopydb snapshot} process. */
	record Held(String id, WorkDirectory dir) implements SnapshotSource {

		@Override
		public String describe() {
			return "snapshot " + this.id + " held by pgcopydb snapshot in --dir " + this.dir.root();
		}

	}

	/** A snapshot someone else holds, given to this run. */
	record Given(String id, String by) implements SnapshotSource {

		@Override
		public String describe() {
			return "snapshot " + this.id + " given " + this.by;
		}

	}

}
