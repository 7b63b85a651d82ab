package io.pgcopydb.cli;

import java.nio.file.Files;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import io.pgcopydb.catalog.SourceSnapshot;
import io.pgcopydb.config.DirectoryLock;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;

/**
 * {@code pgcopydb snapshot}: exports a snapshot of the source, prints its id, publishes
 * it in --dir and holds it until SIGTERM or Ctrl-C. Every command run meanwhile in the
 * same --dir reads the source through it, so a step-by-step migration, or a resumed
 * clone, sees the source as of one instant. As pgcopydb's tutorial runs it:
 * {@code coproc ( pgcopydb snapshot )} ... {@code kill -TERM ${COPROC_PID}}.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, sortOptions = false,
		description = "Export a snapshot of the source, print it and hold it until SIGTERM or Ctrl-C; commands "
				+ "in the same --dir read the source through it.")
final class SnapshotCommand implements Callable<Integer> {

	/**
	 * How often the held session is checked, so a lost snapshot is reported, not assumed.
	 */
	private static final long CHECK_SECONDS = 10;

	@Option(names = "--source", paramLabel = "<uri>",
			description = "Source database connection string (default: $PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Mixin
	WorkDirOptions workDir;

	@Override
	public Integer call() {
		LogSetup.init(this.workDir.debug);
		Logger logger = LoggerFactory.getLogger(SnapshotCommand.class);
		PgEndpoint endpoint = Endpoints.of(Side.SOURCE, this.source);
		WorkDirectory work = this.workDir.workDirectory().create();
		LogSetup.attachFile(work.logFile());
		return hold(endpoint, work, logger);
	}

	private int hold(PgEndpoint endpoint, WorkDirectory work, Logger logger) {
		CountDownLatch released = new CountDownLatch(1);
		Signal.handle(new Signal("TERM"), (signal) -> released.countDown());
		Signal.handle(new Signal("INT"), (signal) -> released.countDown());
		try (DirectoryLock lock = work.snapshotLock()) {
			// a file left by a killed holder must not be read as ours while we export
			Files.deleteIfExists(work.snapshotFile());
			try (SourceSnapshot snapshot = SourceSnapshot.export(endpoint.connect("snapshot"))) {
				work.write(work.snapshotFile(), snapshot.id() + "\n");
				System.out.println(snapshot.id());
				System.out.flush();
				logger.info("Holding snapshot {} of the {} for --dir {} until SIGTERM or Ctrl-C", snapshot.id(),
						endpoint, work.root());
				while (!released.await(CHECK_SECONDS, TimeUnit.SECONDS)) {
					snapshot.checkAlive();
				}
				Files.deleteIfExists(work.snapshotFile());
				logger.info("Released snapshot {}", snapshot.id());
				return ExitCode.SUCCESS.code();
			}
		}
		catch (SQLException ex) {
			throw endpoint.failure("holding the snapshot", ex);
		}
		catch (java.io.IOException ex) {
			throw new PgCopyException(ExitCode.BAD_CONFIG,
					"cannot remove " + work.snapshotFile() + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ExitCode.STOPPED.code();
		}
	}

}
