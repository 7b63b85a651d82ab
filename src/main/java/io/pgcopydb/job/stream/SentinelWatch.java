package io.pgcopydb.job.stream;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.cdc.sentinel.SentinelStore;

/**
 * The sentinel as the running steps read it: re-read from the repository at most every
 * {@link #REFRESH}, so that {@code stream sentinel set ...} from another process takes
 * effect within about that, while the loops that ask between two messages do not query
 * the repository each time. A failed read (a busy repository) keeps the last value.
 */
final class SentinelWatch {

	static final Duration REFRESH = Duration.ofMillis(500);

	private static final Logger logger = LoggerFactory.getLogger(SentinelWatch.class);

	private final SentinelStore store;

	private Sentinel last;

	private Instant readAt = Instant.EPOCH;

	SentinelWatch(SentinelStore store) {
		this.store = store;
	}

	synchronized Sentinel current() {
		Instant now = Instant.now();
		if (this.last == null || Duration.between(this.readAt, now).compareTo(REFRESH) >= 0) {
			try {
				this.last = this.store.get();
				this.readAt = now;
			}
			catch (RuntimeException ex) {
				if (this.last == null) {
					throw ex;
				}
				logger.debug("reading the sentinel failed, keeping the last value: {}", ex.getMessage());
			}
		}
		return this.last;
	}

	Lsn endpos() {
		return current().endpos();
	}

	boolean apply() {
		return current().apply();
	}

	Lsn flushed() {
		return current().flushLsn();
	}

}
