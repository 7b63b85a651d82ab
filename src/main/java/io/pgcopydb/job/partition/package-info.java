/**
 * Partitioned steps whose partitions wait on other partitions: the typed identity of a
 * partition and its step-name grammar ({@link io.pgcopydb.job.partition.PartitionKey}),
 * what a partitioner plans for it ({@link io.pgcopydb.job.partition.PartitionSpec}, the
 * only reader and writer of a partition's execution context), the pure
 * {@link io.pgcopydb.job.partition.PartitionGate gate} that says start, wait, fail or
 * stop, the statuses it decides on (read once from the JobRepository, then kept live),
 * and the handler that drives the gate and hands released partitions to a
 * {@link io.pgcopydb.job.partition.PartitionDispatcher dispatcher} (local threads today).
 * Knows no job: the clone job plans its partitions with these types.
 */
package io.pgcopydb.job.partition;
