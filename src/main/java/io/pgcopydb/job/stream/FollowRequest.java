package io.pgcopydb.job.stream;

import java.util.Set;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.Plugin;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.JobRequest;

/**
 * A validated request to run the streaming job ({@code follow}, {@code stream receive},
 * {@code stream apply}, and the follow half of {@code clone --follow}). It holds the
 * connection strings with their secrets, so it never goes into job parameters.
 *
 * @param plugin the output plugin ({@code --plugin})
 * @param slotName {@code --slot-name}, or null for the name setup derives from the run
 * @param origin {@code --origin}, or null for the name setup derives from the run
 * @param publication the publication's name for pgoutput, or null for setup's default
 * @param startpos {@code --startpos}, or {@link Lsn#INVALID}
 * @param endpos {@code --endpos}, or {@link Lsn#INVALID}: none, the sentinel decides
 * @param wal2jsonNumericAsString {@code --wal2json-numeric-as-string}
 * @param insertOnly accept tables without replica identity, replicated insert-only
 * @param pgoutputStreaming {@code --pgoutput-streaming}: pgoutput protocol 2, large
 * in-progress transactions streamed and spilled in --dir until their commit
 * @param createSlot {@code --create-slot}: setup may create the slot (a follow without a
 * recorded setup)
 * @param parts the steps this command runs: a step left out stays to do
 * @param applyAtOnce the apply flag is set when the job starts ({@code follow},
 * {@code stream apply}); {@code clone --follow} sets it once the clone's data and
 * post-data are done
 * @param command the command as typed, for messages
 * @param applyJobs {@code --apply-jobs}: how many apply sessions run; 0 when not given
 * (the count the follow applied with, else 1)
 */
public record FollowRequest(PgEndpoint source, PgEndpoint target, WorkDirectory workDirectory, Plugin plugin,
		String slotName, String origin, String publication, Lsn startpos, Lsn endpos, boolean wal2jsonNumericAsString,
		boolean pgoutputStreaming, boolean insertOnly, boolean createSlot, Filters filters, Mode mode, Set<Part> parts,
		boolean applyAtOnce, String command, int applyJobs) implements JobRequest {

	/** What to do with the follow recorded in --dir. */
	public enum Mode {

		/** A new follow; refused while an unfinished one is recorded. */
		FRESH,

		/** Continue the last follow from the target origin's position. */
		RESUME,

		/**
		 * Drop what the last follow created (slot, publication, origin, change files) and
		 * start over.
		 */
		RESTART

	}

	/** The steps of the streaming job a command runs. */
	public enum Part {

		SETUP(FollowSteps.SETUP), RECEIVE(FollowSteps.RECEIVE), APPLY(FollowSteps.APPLY), END(FollowSteps.END);

		private final String stepName;

		Part(String stepName) {
			this.stepName = stepName;
		}

		public String stepName() {
			return this.stepName;
		}

	}

	/** {@code follow} and {@code clone --follow}: every step. */
	public static final Set<Part> ALL = Set.of(Part.values());

	/** {@code stream receive}: setup's checks, then receive. */
	public static final Set<Part> RECEIVE_PARTS = Set.of(Part.SETUP, Part.RECEIVE);

	/** {@code stream apply}: setup's checks, then apply and the cut-over at endpos. */
	public static final Set<Part> APPLY_PARTS = Set.of(Part.SETUP, Part.APPLY, Part.END);

	public boolean includes(Part part) {
		return this.parts.contains(part);
	}

	public boolean resuming() {
		return this.mode == Mode.RESUME;
	}

	@Override
	public String describe() {
		return "follow " + this.source + " into " + this.target + " with " + this.plugin.pluginName()
				+ (this.endpos.isValid() ? " until " + this.endpos : "");
	}

	/** The same request with another mode (clone --follow decides it per half). */
	public FollowRequest withMode(Mode other) {
		return new FollowRequest(this.source, this.target, this.workDirectory, this.plugin, this.slotName, this.origin,
				this.publication, this.startpos, this.endpos, this.wal2jsonNumericAsString, this.pgoutputStreaming,
				this.insertOnly, this.createSlot, this.filters, other, this.parts, this.applyAtOnce, this.command,
				this.applyJobs);
	}

}
