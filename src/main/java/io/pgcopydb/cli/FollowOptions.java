package io.pgcopydb.cli;

import java.util.Locale;

import picocli.CommandLine.Option;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.apply.ApplyOptions;
import io.pgcopydb.cdc.decode.Plugin;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.filter.Filters;
import io.pgcopydb.job.stream.FollowRequest;

/**
 * The options of a follow, pgcopydb's names and meanings: {@code clone --follow},
 * {@code follow}, {@code stream receive}, {@code stream apply}.
 */
final class FollowOptions {

	@Option(names = "--plugin", paramLabel = "<name>", defaultValue = "${env:PGCOPYDB_OUTPUT_PLUGIN:-pgoutput}",
			description = "Logical decoding output plugin: pgoutput, test_decoding or wal2json"
					+ " (default: ${DEFAULT-VALUE}; $PGCOPYDB_OUTPUT_PLUGIN).")
	String plugin;

	@Option(names = "--slot-name", paramLabel = "<name>", defaultValue = "${env:PGCOPYDB_SLOT_NAME}",
			description = "Replication slot name (default: derived from --dir; pgcopydb's is pgcopydb;"
					+ " $PGCOPYDB_SLOT_NAME).")
	String slotName;

	@Option(names = "--origin", paramLabel = "<name>", defaultValue = "${env:PGCOPYDB_ORIGIN}",
			description = "Replication origin name on the target (default: derived from --dir; $PGCOPYDB_ORIGIN).")
	String origin;

	@Option(names = "--publication", paramLabel = "<name>",
			description = "Publication name for pgoutput (default: derived from --dir).")
	String publication;

	@Option(names = "--create-slot", description = "Create the replication slot (follow without stream setup).")
	boolean createSlot;

	@Option(names = "--endpos", paramLabel = "<lsn>", defaultValue = "${env:PGCOPYDB_ENDPOS}",
			description = "Stop once every transaction ending at or before this LSN is applied ($PGCOPYDB_ENDPOS).")
	String endpos;

	@Option(names = "--startpos", paramLabel = "<lsn>",
			description = "Start replaying at this LSN (a follow whose copy did not use the slot's snapshot).")
	String startpos;

	@Option(names = "--wal2json-numeric-as-string",
			description = "wal2json: receive numeric values as strings, keeping their precision.")
	boolean wal2jsonNumericAsString;

	@Option(names = "--pgoutput-streaming",
			description = "pgoutput: have the source send large transactions while they are in progress"
					+ " (protocol 2, PostgreSQL 14 and later), kept in --dir until they commit, instead of"
					+ " decoding each whole at its commit, spilled on the source's disk.")
	boolean pgoutputStreaming;

	@Option(names = "--insert-only-tables",
			description = "Follow tables without replica identity for INSERT only (their UPDATE and DELETE are not"
					+ " replicated) instead of refusing them.")
	boolean insertOnlyTables;

	@Option(names = "--apply-jobs", paramLabel = "<n>", defaultValue = "${env:PGCOPYDB_APPLY_JOBS}",
			description = "Apply sessions on the target (1 to 16; $PGCOPYDB_APPLY_JOBS; default 1, and on --resume"
					+ " the count the follow applied with). Source transactions that share no row and no unique"
					+ " value are applied on different sessions; the others in order on one. Each session has a"
					+ " replication origin of its own.")
	Integer applyJobs;

	Plugin plugin() {
		String name = this.plugin.toLowerCase(Locale.ROOT);
		for (Plugin each : Plugin.values()) {
			if (each.pluginName().equals(name)) {
				return each;
			}
		}
		throw new BadArgumentsException("--plugin " + this.plugin
				+ " is not an output plugin pgcopydb follows: use pgoutput, test_decoding" + " or wal2json");
	}

	/**
	 * The follow request of a command.
	 * @param applyAtOnce apply may start at once (not behind a clone)
	 */
	FollowRequest request(PgEndpoint source, PgEndpoint target, WorkDirectory dir, Filters filters,
			FollowRequest.Mode mode, java.util.Set<FollowRequest.Part> parts, boolean createSlot, boolean applyAtOnce,
			String command) {
		Lsn end = blank(this.endpos) ? Lsn.INVALID : Lsn.parse(this.endpos, "--endpos");
		Lsn start = blank(this.startpos) ? Lsn.INVALID : Lsn.parse(this.startpos, "--startpos");
		Plugin plugin = plugin();
		if (this.applyJobs != null && (this.applyJobs < 1 || this.applyJobs > ApplyOptions.MAX_SESSIONS)) {
			throw new BadArgumentsException(
					"--apply-jobs " + this.applyJobs + " is out of range: give 1 to " + ApplyOptions.MAX_SESSIONS);
		}
		if (this.pgoutputStreaming && plugin != Plugin.PGOUTPUT) {
			throw new BadArgumentsException("--pgoutput-streaming is an option of --plugin pgoutput, not of --plugin "
					+ plugin.pluginName() + ": leave it out, or use --plugin pgoutput");
		}
		return new FollowRequest(source, target, dir, plugin, blankToNull(this.slotName), blankToNull(this.origin),
				blankToNull(this.publication), start, end, this.wal2jsonNumericAsString, this.pgoutputStreaming,
				this.insertOnlyTables, createSlot || this.createSlot, filters, mode, parts, applyAtOnce, command,
				(this.applyJobs != null) ? this.applyJobs : 0);
	}

	private static boolean blank(String value) {
		return value == null || value.isBlank();
	}

	private static String blankToNull(String value) {
		return blank(value) ? null : value;
	}

}
