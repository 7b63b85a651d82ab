/**
 * The source side of a follow: checks (wal_level, REPLICATION, replica identity),
 * publication, slot created with an exported snapshot, the replication stream with its
 * keepalives and LSN feedback, into the change store.
 */
package io.pgcopydb.cdc.receive;
