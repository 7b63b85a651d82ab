package io.pgcopydb.cdc.decode;

import java.time.Instant;
import java.util.List;

import io.pgcopydb.cdc.Lsn;

/**
 * Our change model, the same whatever the output plugin: what the decoders produce, what
 * the change store keeps and what apply replays. A source transaction is {@link Begin},
 * then {@link RelationShape relations} and row changes, then {@link Commit}; transactions
 * arrive in commit order, never interleaved (protocol-2 streaming of in-progress
 * transactions is reassembled before it reaches this model).
 */
public sealed interface ChangeEvent {

	/**
	 * @param finalLsn the LSN of the transaction's commit record
	 */
	record Begin(long xid, Lsn finalLsn, Instant commitTime) implements ChangeEvent {
	}

	/**
	 * @param commitLsn where the commit record starts
	 * @param endLsn where it ends: the position a replication origin and the slot are
	 * advanced to once this transaction is applied (with {@code commitLsn} the server
	 * would send the transaction again after a restart)
	 */
	record Commit(Lsn commitLsn, Lsn endLsn, Instant commitTime) implements ChangeEvent {
	}

	/** A table's shape; the row changes that follow refer to it by {@code shape.id()}. */
	record Relation(RelationShape shape) implements ChangeEvent {
	}

	/**
	 * @param newRow one value per column of the relation
	 */
	record Insert(long relationId, List<Value> newRow) implements ChangeEvent {
	}

	/**
	 * @param oldRow the old key (replica identity columns, others {@link Value#NULL}) or
	 * the whole old row ({@code oldIsFullRow}, REPLICA IDENTITY FULL); null when the key
	 * did not change and the plugin sent none: the key is then in {@code newRow}
	 * @param newRow one value per column; {@link Value#UNCHANGED} for TOASTed values not
	 * sent
	 */
	record Update(long relationId, List<Value> oldRow, boolean oldIsFullRow,
			List<Value> newRow) implements ChangeEvent {
	}

	/**
	 * @param oldRow the old key, or the whole old row ({@code oldIsFullRow})
	 */
	record Delete(long relationId, List<Value> oldRow, boolean oldIsFullRow) implements ChangeEvent {
	}

	record Truncate(List<Long> relationIds, boolean cascade, boolean restartIdentity) implements ChangeEvent {
	}

}
