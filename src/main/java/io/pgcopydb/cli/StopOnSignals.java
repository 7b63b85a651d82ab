package io.pgcopydb.cli;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import io.pgcopydb.job.StopSignal;

/**
 * SIGTERM (schedulers, {@code kill}) and SIGINT (Ctrl-C) while a job runs: the first asks
 * the job to stop cleanly, so the command ends with exit code 8 once in-flight work is
 * rolled back and the run is recorded; a second one exits at once (143 or 130), and the
 * next --resume recovers the run as stale. Without this, the JVM would exit on the first
 * signal and leave the run recorded as still running.
 */
final class StopOnSignals implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(StopOnSignals.class);

	private final List<Signal> signals = new ArrayList<>();

	private final List<SignalHandler> previous = new ArrayList<>();

	private StopOnSignals() {
	}

	static StopOnSignals install(StopSignal stop) {
		StopOnSignals installed = new StopOnSignals();
		installed.handle("TERM", 143, stop);
		installed.handle("INT", 130, stop);
		return installed;
	}

	private void handle(String name, int forcedExit, StopSignal stop) {
		Signal signal = new Signal(name);
		this.previous.add(Signal.handle(signal, (received) -> {
			if (!stop.request("SIG" + name)) {
				logger.error("Second SIG{}: exiting now; the next --resume recovers the run", name);
				Runtime.getRuntime().halt(forcedExit);
			}
		}));
		this.signals.add(signal);
	}

	@Override
	public void close() {
		for (int i = 0; i < this.signals.size(); i++) {
			Signal.handle(this.signals.get(i), this.previous.get(i));
		}
	}

}
