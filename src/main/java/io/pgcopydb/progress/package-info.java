/**
 * What a person watches: the logging of a command (console and the run's log file), live
 * counters fed by the workers, the progress bar or periodic progress lines, and the
 * summary table printed at the end of a run. The JobRepository stays the record of what
 * is done; nothing here decides anything.
 */
package io.pgcopydb.progress;
