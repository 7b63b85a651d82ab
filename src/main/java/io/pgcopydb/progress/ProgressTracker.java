package io.pgcopydb.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Live counters of a run in this process, written by the copy and index workers and read
 * by whoever shows progress. Cheap on the hot path: a table's byte counter is one atomic
 * add per COPY buffer, with no lookup. The JobRepository stays the record of what is
 * done; this is only what a person watches.
 */
public class ProgressTracker {

	private final Map<String, TableProgress> inFlight = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> slicesLeft = new ConcurrentHashMap<>();

	private final AtomicInteger tablesDone = new AtomicInteger();

	private final AtomicLong doneTableBytes = new AtomicLong();

	/** Bytes streamed by tables that are done; in-flight tables hold their own. */
	private final AtomicLong doneStreamedBytes = new AtomicLong();

	private final AtomicLong rows = new AtomicLong();

	private final AtomicInteger indexesDone = new AtomicInteger();

	private volatile int tablesTotal;

	private volatile long tableBytesTotal;

	private volatile int indexesTotal;

	private volatile Instant started = Instant.now();

	private volatile Duration stalledFor = Duration.ZERO;

	/**
	 * Called once the plan is known; counts what an earlier execution already finished.
	 */
	public void plan(int tables, long tableBytes, int indexes, int tablesAlreadyDone, long bytesAlreadyDone,
			int indexesAlreadyDone) {
		this.tablesTotal = tables;
		this.tableBytesTotal = tableBytes;
		this.indexesTotal = indexes;
		this.tablesDone.set(tablesAlreadyDone);
		this.doneTableBytes.set(bytesAlreadyDone);
		this.indexesDone.set(indexesAlreadyDone);
		this.started = Instant.now();
	}

	public TableProgress tableStarted(String name, long tableBytes) {
		TableProgress progress = new TableProgress(name, tableBytes, null);
		this.inFlight.put(name, progress);
		return progress;
	}

	/**
	 * Slice {@code label} ("2/4") of table {@code table}: its table counts as done when
	 * the last of the slices left to copy is done ({@link #slicesLeft}).
	 */
	public TableProgress sliceStarted(String table, String label, long sliceBytes) {
		String name = table + " [" + label + "]";
		TableProgress progress = new TableProgress(name, sliceBytes, table);
		this.inFlight.put(name, progress);
		return progress;
	}

	/** How many slices of a split table are left to copy in this execution. */
	public void slicesLeft(String table, int slices) {
		this.slicesLeft.put(table, new AtomicInteger(slices));
	}

	/**
	 * Records the longest current stall of a working session, as the {@link StallWatcher}
	 * judges it (zero: none).
	 */
	public void stalled(Duration longest) {
		this.stalledFor = longest;
	}

	/** The longest current stall, zero when every session progresses. */
	public Duration stalledFor() {
		return this.stalledFor;
	}

	public void indexDone() {
		this.indexesDone.incrementAndGet();
	}

	public ProgressSnapshot snapshot() {
		long estimate = this.doneTableBytes.get();
		long streamed = this.doneStreamedBytes.get();
		for (TableProgress table : this.inFlight.values()) {
			long tableStreamed = table.streamed.get();
			estimate += Math.min(tableStreamed, table.tableBytes);
			streamed += tableStreamed;
		}
		List<String> current = this.inFlight.keySet().stream().sorted().toList();
		return new ProgressSnapshot(this.tablesTotal, this.tablesDone.get(), current, this.tableBytesTotal,
				Math.min(estimate, this.tableBytesTotal), streamed, this.rows.get(), this.indexesTotal,
				this.indexesDone.get(), Duration.between(this.started, Instant.now()));
	}

	/** One table's copy in progress: feed it the bytes streamed, then finish it. */
	public final class TableProgress implements LongConsumer {

		private final String name;

		private final long tableBytes;

		private final AtomicLong streamed = new AtomicLong();

		/** The split table this is a slice of, or null. */
		private final String table;

		private TableProgress(String name, long tableBytes, String table) {
			this.name = name;
			this.tableBytes = tableBytes;
			this.table = table;
		}

		@Override
		public void accept(long bytes) {
			this.streamed.addAndGet(bytes);
		}

		public void done(long copiedRows) {
			ProgressTracker.this.inFlight.remove(this.name);
			ProgressTracker.this.doneStreamedBytes.addAndGet(this.streamed.get());
			ProgressTracker.this.rows.addAndGet(copiedRows);
			ProgressTracker.this.doneTableBytes.addAndGet(this.tableBytes);
			AtomicInteger left = (this.table != null) ? ProgressTracker.this.slicesLeft.get(this.table) : null;
			if (this.table == null || (left != null && left.decrementAndGet() == 0)) {
				ProgressTracker.this.tablesDone.incrementAndGet();
			}
		}

		/**
		 * The copy failed and was rolled back: its bytes count as neither done nor
		 * streamed.
		 */
		public void failed() {
			ProgressTracker.this.inFlight.remove(this.name);
		}

	}

}
