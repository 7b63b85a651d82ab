package io.pgcopydb.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Tuning of the copy, bound from {@code pgcopydb.copy.*} (defaults documented in
 * config/application.yml).
 *
 * @param bufferSize COPY buffer between source and target, per table in flight
 * @param maintenanceWorkMem maintenance_work_mem of each index build session
 * @param largeObjectBatch large objects per target commit
 * @param progressInterval how often a non-terminal run logs a progress line
 * @param dependencyPollInterval how often a partition waiting on another (an index build
 * on its table's copy) looks for a stop request; it starts as soon as what it waits on
 * completes
 * @param format COPY data format: auto (binary where provably safe, else text), text,
 * binary
 * @param lockTimeout how long the run waits to lock each source table (ACCESS SHARE, as
 * pg_dump) behind a session that holds it exclusively before failing with that session's
 * name
 * @param stallCheckInterval how often the stall watcher asks each server what the run's
 * sessions are doing
 * @param stallWarning how long a session may make no progress (neither its client-side
 * nor the server's progress counters moving, and the backend not working on its own)
 * before a warning names it
 * @param stallTimeout how long a session may make no progress before its work is
 * cancelled (its connection aborted when the backend does not react) and the partition
 * fails, to be finished with --resume
 * @param lockWaitReport how long a session waits for a lock before the blocking sessions
 * are named in the log (and again every 30 s)
 */
@ConfigurationProperties("pgcopydb.copy")
public record CopyProperties(@DefaultValue("1MB") DataSize bufferSize, @DefaultValue("256MB") String maintenanceWorkMem,
		@DefaultValue("1000") int largeObjectBatch, @DefaultValue("10s") Duration progressInterval,
		@DefaultValue("250ms") Duration dependencyPollInterval, @DefaultValue("auto") CopyFormat format,
		@DefaultValue("60s") Duration lockTimeout, @DefaultValue("5s") Duration stallCheckInterval,
		@DefaultValue("60s") Duration stallWarning, @DefaultValue("5m") Duration stallTimeout,
		@DefaultValue("5s") Duration lockWaitReport) {
}
