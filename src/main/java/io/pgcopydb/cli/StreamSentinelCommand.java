package io.pgcopydb.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.cdc.sentinel.SourcePosition;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.job.RunRepository;
import io.pgcopydb.progress.LogSetup;

/**
 * {@code pgcopydb stream sentinel get|set}: reads or steers the follow of a --dir through
 * the sentinel in its repository, over one plain connection (no lock, no job context), so
 * it works beside the running job and returns at once. The job reads the sentinel
 * regularly: a new endpos or the apply flag takes effect without a restart.
 */
@Command(name = "sentinel", mixinStandardHelpOptions = true,
		description = "Read or set the sentinel of the follow in --dir: startpos, endpos, apply.",
		subcommands = { StreamSentinelCommand.Set.class })
final class StreamSentinelCommand {

	@Command(name = "get", mixinStandardHelpOptions = true,
			description = "Print the sentinel: startpos, endpos, apply, write_lsn, flush_lsn, replay_lsn and the lag.")
	int get(@Mixin RepositoryOptions options) {
		options.init();
		Sentinel sentinel = withSentinel(options.workDir, SentinelStore::get);
		Map<String, Object> fields = fields(sentinel, Instant.now());
		if (options.json) {
			Json.print(fields);
		}
		else {
			fields.forEach((name, value) -> System.out.printf("%-12s %s%n", name, (value != null) ? value : ""));
		}
		return ExitCode.SUCCESS.code();
	}

	/** The fields {@code get} prints, in pgcopydb's order, then the lag. */
	static Map<String, Object> fields(Sentinel sentinel, Instant now) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("startpos", sentinel.startpos().asString());
		fields.put("endpos", sentinel.endpos().asString());
		fields.put("apply", sentinel.apply() ? "enabled" : "disabled");
		fields.put("write_lsn", sentinel.writeLsn().asString());
		fields.put("flush_lsn", sentinel.flushLsn().asString());
		fields.put("replay_lsn", sentinel.replayLsn().asString());
		fields.put("replay_time", (sentinel.replayTime() != null) ? sentinel.replayTime().toString() : null);
		fields.put("lag_bytes", sentinel.lagBytes());
		Duration lag = sentinel.lagTime(now);
		fields.put("lag_seconds", (lag != null) ? lag.toMillis() / 1000.0 : null);
		fields.put("updated", (sentinel.updated() != null) ? sentinel.updated().toString() : null);
		return fields;
	}

	static <T> T withSentinel(WorkDirOptions workDir, Function<SentinelStore, T> action) {
		return RunRepository.withConnection(workDir.workDirectory(),
				(repository) -> action.apply(new SentinelStore(repository)));
	}

	@Command(name = "set", mixinStandardHelpOptions = true,
			description = "Set startpos, endpos (an LSN or --current), apply or prefetch (apply off).")
	static final class Set {

		@Command(name = "startpos", mixinStandardHelpOptions = true,
				description = "Set where streaming starts (an LSN such as 0/16B6C50).")
		int startpos(@Parameters(paramLabel = "LSN", description = "The LSN, X/Y.") String lsn,
				@Mixin WorkDirOptions workDir) {
			Lsn startpos = Lsn.parse(lsn, "startpos");
			LogSetup.init(workDir.debug);
			withSentinel(workDir, (store) -> {
				store.setStartpos(startpos);
				return startpos;
			});
			System.out.println("startpos " + startpos);
			return ExitCode.SUCCESS.code();
		}

		@Command(name = "endpos", mixinStandardHelpOptions = true,
				description = "Set where the follow ends: an LSN, or --current for the source's current WAL insert"
						+ " position; the follow applies every transaction ending at or before it, then exits 0.")
		int endpos(@ArgGroup(multiplicity = "1") EndposChoice choice, @Option(names = "--source", paramLabel = "<uri>",
				description = "Source connection string, for --current (default: $PGCOPYDB_SOURCE_PGURI).") String source,
				@Mixin WorkDirOptions workDir) {
			LogSetup.init(workDir.debug);
			Lsn endpos;
			if (choice.current) {
				// read before the write, so that a missing sentinel is reported before
				// the
				// source is asked
				withSentinel(workDir, SentinelStore::get);
				endpos = SourcePosition.currentInsertLsn(Endpoints.of(Side.SOURCE, source));
			}
			else {
				endpos = Lsn.parse(choice.lsn, "endpos");
			}
			withSentinel(workDir, (store) -> {
				store.setEndpos(endpos);
				return endpos;
			});
			System.out.println("endpos " + endpos);
			return ExitCode.SUCCESS.code();
		}

		@Command(name = "apply", mixinStandardHelpOptions = true,
				description = "Let the follow apply the changes it receives to the target.")
		int apply(@Mixin WorkDirOptions workDir) {
			return setApply(workDir, true);
		}

		@Command(name = "prefetch", mixinStandardHelpOptions = true,
				description = "Receive changes into --dir without applying them (apply off).")
		int prefetch(@Mixin WorkDirOptions workDir) {
			return setApply(workDir, false);
		}

		private static int setApply(WorkDirOptions workDir, boolean apply) {
			LogSetup.init(workDir.debug);
			withSentinel(workDir, (store) -> {
				store.setApply(apply);
				return apply;
			});
			System.out.println("apply " + (apply ? "enabled" : "disabled"));
			return ExitCode.SUCCESS.code();
		}

	}

	/** {@code set endpos}: an LSN or {@code --current}, one of them. */
	static final class EndposChoice {

		@Parameters(paramLabel = "LSN", description = "The LSN, X/Y (0/0: no endpos).")
		String lsn;

		@Option(names = "--current", description = "The source's pg_current_wal_insert_lsn().")
		boolean current;

	}

}
