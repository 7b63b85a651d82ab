package io.pgcopydb.progress;

import java.time.Duration;
import java.util.List;

/**
 * One reading of the progress counters.
 *
 * @param tableBytesTotal on-disk size of all planned tables on the source
 * @param tableBytesDone estimate of how much of that is copied (done tables, plus the
 * streamed part of the tables in flight)
 * @param streamedBytes bytes of COPY data sent to the target so far
 */
public record ProgressSnapshot(int tablesTotal, int tablesDone, List<String> tablesInProgress, long tableBytesTotal,
		long tableBytesDone, long streamedBytes, long rows, int indexesTotal, int indexesDone, Duration elapsed) {

	/** Seconds left at the average speed so far, or -1 when unknown. */
	public long etaSeconds() {
		if (this.tableBytesDone <= 0 || this.elapsed.isZero()) {
			return -1;
		}
		double rate = this.tableBytesDone / (double) this.elapsed.toMillis();
		return (long) ((this.tableBytesTotal - this.tableBytesDone) / rate / 1000);
	}

	public int percent() {
		return (this.tableBytesTotal <= 0) ? (this.tablesTotal == 0 ? 100 : 100 * this.tablesDone / this.tablesTotal)
				: (int) (100 * this.tableBytesDone / this.tableBytesTotal);
	}

}
