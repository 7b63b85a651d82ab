package io.pgcopydb.snapshot;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.config.DirectoryLock;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.signal.Signals;
import io.pgcopydb.signal.StopSignal;

/**
 * What {@code pgcopydb snapshot} does: exports a snapshot of the source, publishes it in
 * --dir ({@link SnapshotPublication}) and holds it until SIGTERM or Ctrl-C, checking now
 * and then that its session is still alive, so that a lost snapshot is reported rather
 * than assumed. Every command run meanwhile in the same --dir reads the source through
 * it.
 */
public final class SnapshotHolder {

	/** How often the held session is checked. */
	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(SnapshotHolder.class);

	private final PgEndpoint source;

	private final WorkDirectory dir;

	public SnapshotHolder(PgEndpoint source, WorkDirectory dir) {
		this.source = source;
		this.dir = dir;
	}

	/**
	 * Holds a snapshot until the process is asked to stop; returns once it is released.
	 * @param onPublished receives the snapshot id once other commands can use it
	 */
	public void hold(Consumer<String> onPublished) throws InterruptedException {
		hold(() -> {
			try {
				SourceSnapshot snapshot = SourceSnapshot.export(this.source.connect("snapshot"));
				return new Exported() {

					@Override
					public String id() {
						return snapshot.id();
					}

					@Override
					public void checkAlive() throws SQLException {
						snapshot.checkAlive();
					}

					@Override
					public void close() throws SQLException {
						snapshot.close();
					}

				};
			}
			catch (SQLException ex) {
				throw this.source.failure("exporting a snapshot", ex);
			}
		}, onPublished);
	}

	/**
	 * As {@link #hold(Consumer)}, for a snapshot exported by {@code export} once this
	 * holder has claimed --dir: the one a logical replication slot exports as it is
	 * created ({@code snapshot --follow}), so that the copy and the slot's changes meet
	 * with no gap and no overlap.
	 */
	public void hold(Supplier<Exported> export, Consumer<String> onPublished) throws InterruptedException {
		StopSignal stop = new StopSignal("the snapshot is released");
		SnapshotPublication publication = new SnapshotPublication(this.dir);
		try (Signals signals = Signals.install(stop, "the snapshot ends with this process");
				DirectoryLock lock = publication.claim();
				Exported snapshot = export.get()) {
			publication.publish(snapshot.id());
			onPublished.accept(snapshot.id());
			logger.info("Holding snapshot {} of the {} for --dir {} until SIGTERM or Ctrl-C", snapshot.id(),
					this.source, this.dir.root());
			while (!stop.await(CHECK_INTERVAL)) {
				snapshot.checkAlive();
			}
			publication.withdraw();
			logger.info("Released snapshot {}", snapshot.id());
		}
		catch (SQLException ex) {
			throw this.source.failure("holding the snapshot", ex);
		}
	}

	/** A snapshot exported on a session that this holder keeps open and idle. */
	public interface Exported extends AutoCloseable {

		String id();

		/** Fails when the session holding the snapshot is gone. */
		void checkAlive() throws SQLException;

		@Override
		void close() throws SQLException;

	}

}
