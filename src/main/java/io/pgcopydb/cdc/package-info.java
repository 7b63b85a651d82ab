/**
 * Change data capture: {@code receive} (slot, publication, stream, keepalives, LSN
 * feedback), {@code decode} (one decoder per output plugin into our own change model),
 * {@code store} (the durable change files in --dir), {@code apply} (changes to SQL on the
 * target, replication-origin progress), {@code sentinel} (startpos, endpos, apply, the
 * positions reached). No Spring Batch here: the jobs in {@code job.stream} drive it.
 */
package io.pgcopydb.cdc;
