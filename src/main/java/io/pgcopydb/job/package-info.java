/**
 * Shared Spring Batch wiring: the per-command Spring context with its embedded
 * JobRepository, job and step names (stable: restart matches on them), the
 * JobRepository's step-status board and the partition handler that starts a partition
 * once the partitions it depends on are COMPLETED. Jobs live in sub-packages.
 */
package io.pgcopydb.job;
