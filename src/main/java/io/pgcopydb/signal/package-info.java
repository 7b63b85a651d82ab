/**
 * Stopping a command cleanly: the {@link io.pgcopydb.signal.StopSignal} that every step,
 * partition, session and child process of a command honours, and the
 * {@link io.pgcopydb.signal.Signals} that turn SIGTERM and SIGINT into it. A foundation:
 * it knows nothing of jobs, so the job launcher and the snapshot holder share it.
 */
package io.pgcopydb.signal;
