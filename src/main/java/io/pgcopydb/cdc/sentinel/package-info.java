/**
 * The sentinel: startpos, endpos and apply set by the operator, the positions reached set
 * by the streaming job, in the repository of --dir.
 */
package io.pgcopydb.cdc.sentinel;
