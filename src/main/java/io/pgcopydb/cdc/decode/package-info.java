/**
 * One decoder per output plugin (pgoutput, test_decoding, wal2json) into our own change
 * model ({@link io.pgcopydb.cdc.decode.ChangeEvent}). Pure: bytes in, events out; no
 * JDBC.
 */
package io.pgcopydb.cdc.decode;
