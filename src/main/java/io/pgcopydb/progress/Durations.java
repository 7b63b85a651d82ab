package io.pgcopydb.progress;

import java.time.Duration;
import java.util.Locale;

/** Durations as an operator reads them: 850ms, 12.3s, 4m05s, 2h03m. */
public final class Durations {

	private Durations() {
	}

	public static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + "ms";
		}
		if (millis < 59_950) { // 59.95 s and up would print as "60.0s"
			return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
		}
		long seconds = millis / 1000;
		if (seconds < 3600) {
			return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
		}
		return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
	}

}
