/**
 * The streaming job (followJob): setup, then receive and apply running concurrently,
 * stopped by endpos, the sentinel or SIGTERM; and {@code clone --follow}, which runs the
 * clone job and the streaming job in one process.
 */
package io.pgcopydb.job.stream;
