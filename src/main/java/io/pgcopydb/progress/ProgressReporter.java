package io.pgcopydb.progress;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a run's progress while it runs: a live bar on a terminal, and when the output is
 * not a terminal (cron, Control-M) one log line every interval, so a person reading the
 * log can follow it.
 */
public final class ProgressReporter implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ProgressReporter.class);

	private final ProgressTracker tracker;

	private final ScheduledExecutorService scheduler;

	private ProgressBar bar;

	private ProgressReporter(ProgressTracker tracker, boolean terminal, Duration interval) {
		this.tracker = tracker;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "progress");
			thread.setDaemon(true);
			return thread;
		});
		if (terminal) {
			this.scheduler.scheduleAtFixedRate(this::draw, 0, 500, TimeUnit.MILLISECONDS);
		}
		else {
			long millis = Math.max(100, interval.toMillis());
			this.scheduler.scheduleAtFixedRate(this::log, millis, millis, TimeUnit.MILLISECONDS);
		}
	}

	/** Starts reporting: a bar when {@link #interactive()}, else periodic log lines. */
	public static ProgressReporter start(ProgressTracker tracker, Duration interval) {
		return new ProgressReporter(tracker, interactive(), interval);
	}

	/**
	 * Whether a person watches a terminal that can redraw a line: an interactive console
	 * (on JDK 17, none when stdin or stdout is redirected) on a terminal type other than
	 * "dumb". Cron and Control-M jobs have no console.
	 */
	public static boolean interactive() {
		String term = System.getenv("TERM");
		return System.console() != null && term != null && !term.equals("dumb");
	}

	private synchronized void draw() {
		ProgressSnapshot now = this.tracker.snapshot();
		if (now.tablesTotal() == 0 && now.indexesTotal() == 0) {
			return;
		}
		if (this.bar == null) {
			// drawn once the plan is known, so it never shows 0/0
			this.bar = new ProgressBarBuilder().setTaskName("copy")
				.setInitialMax(Math.max(1, now.tableBytesTotal()))
				.setStyle(ProgressBarStyle.ASCII)
				.setUnit(" MB", 1 << 20)
				.setUpdateIntervalMillis(500)
				.showSpeed()
				.setConsumer(new ConsoleProgressBarConsumer(System.err))
				.build();
		}
		this.bar.maxHint(Math.max(1, now.tableBytesTotal()));
		this.bar.stepTo(now.tableBytesDone());
		Duration stalledFor = this.tracker.stalledFor();
		this.bar.setExtraMessage(String.format(" tables %d/%d, indexes %d/%d%s%s", now.tablesDone(), now.tablesTotal(),
				now.indexesDone(), now.indexesTotal(),
				stalledFor.isZero() ? "" : ", stalled for " + stalledFor.toSeconds() + " s", current(now)));
	}

	private void log() {
		ProgressSnapshot now = this.tracker.snapshot();
		if (now.tablesTotal() == 0 && now.indexesTotal() == 0) {
			return;
		}
		logger.info("Progress: {}% - tables {}/{}, {} MB of {} MB, {} rows, indexes {}/{}, elapsed {}, {}{}",
				now.percent(), now.tablesDone(), now.tablesTotal(), now.tableBytesDone() >> 20,
				now.tableBytesTotal() >> 20, now.rows(), now.indexesDone(), now.indexesTotal(),
				Durations.format(now.elapsed()), eta(now, this.tracker.stalledFor()), current(now));
	}

	/**
	 * "ETA 31s", or "stalled for 95 s" while a session makes no progress: an ETA from the
	 * average rate would promise an end that is not coming.
	 */
	static String eta(ProgressSnapshot now, Duration stalledFor) {
		if (!stalledFor.isZero()) {
			return "stalled for " + stalledFor.toSeconds() + " s";
		}
		long eta = now.etaSeconds();
		return "ETA " + ((eta < 0) ? "unknown" : Durations.format(Duration.ofSeconds(eta)));
	}

	private static String current(ProgressSnapshot now) {
		if (now.tablesInProgress().isEmpty()) {
			return "";
		}
		int shown = Math.min(3, now.tablesInProgress().size());
		String names = String.join(", ", now.tablesInProgress().subList(0, shown));
		return " - copying " + names + ((now.tablesInProgress().size() > shown) ? ", ..." : "");
	}

	@Override
	public synchronized void close() {
		this.scheduler.shutdownNow();
		if (this.bar != null) {
			draw();
			this.bar.close();
			this.bar = null;
		}
	}

}
