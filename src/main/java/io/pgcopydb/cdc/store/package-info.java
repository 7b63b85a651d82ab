/**
 * The durable change files of a follow in --dir: written by receive, read by apply,
 * removed once the target's replication origin covers them. No JDBC.
 */
package io.pgcopydb.cdc.store;
