/**
 * Changes to SQL on the target, replayed exactly once with replication-origin progress.
 */
package io.pgcopydb.cdc.apply;
