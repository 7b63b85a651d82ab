package io.pgcopydb.signal;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The process's SIGTERM (schedulers, {@code kill}) and SIGINT (Ctrl-C), while a command
 * runs: the first one requests a {@link StopSignal stop}, so the command ends cleanly (a
 * job with exit code 8 once in-flight work is rolled back and the run is recorded; the
 * snapshot holder by releasing its snapshot); a second one exits at once (143 or 130).
 * Without this, the JVM would exit on the first signal and leave a run recorded as still
 * running. Closing restores the previous handlers.
 */
public final class Signals implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Signals.class);

	private final List<Signal> signals = new ArrayList<>();

	private final List<SignalHandler> previous = new ArrayList<>();

	private Signals() {
	}

	/**
	 * Routes SIGTERM and SIGINT to {@code stop} until closed.
	 * @param afterSecond what the log says a second signal leaves behind, e.g. "the next
	 * --resume recovers the run"
	 */
	public static Signals install(StopSignal stop, String afterSecond) {
		Signals installed = new Signals();
		installed.handle("TERM", 143, stop, afterSecond);
		installed.handle("INT", 130, stop, afterSecond);
		return installed;
	}

	private void handle(String name, int forcedExit, StopSignal stop, String afterSecond) {
		Signal signal = new Signal(name);
		this.previous.add(Signal.handle(signal, (received) -> {
			if (!stop.request("SIG" + name)) {
				logger.error("Second SIG{}: exiting now; {}", name, afterSecond);
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
