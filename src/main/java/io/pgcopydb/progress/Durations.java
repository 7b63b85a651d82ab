package io.pgcopydb.progress;

import java.time.Duration;

/** Durations as an operator reads them: 850ms, 12.3s, 4m05s, 2h03m. */
public final class Durations {

	private Durations() {
	}

	public static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + "ms";
		}
		if (millis < 60_000) {
			return String.format("%.1fs", millis / 1000.0);
		}
		long seconds = millis / 1000;
		if (seconds < 3600) {
			return String.format("%dm%02ds", seconds / 60, seconds % 60);
		}
		return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
	}

}
