package io.pgcopydb.cdc.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;

/**
 * The conflict keys of one relation's changes ({@link ConflictKeys}): the values of every
 * unique key of the target table (primary key, unique indexes and constraints), from the
 * new image and from the old one. Where a value is not known the table is taken whole: a
 * unique key on an expression, with a predicate, an exclusion constraint or a
 * nondeterministic collation (an empty key, see {@link TargetTable#uniqueKeys()}); a key
 * column the stream does not send, a TOASTed key value not sent, or a type whose text
 * does not name one value (numeric {@code 1.0} and {@code 1.00} are one value in an
 * index); and the old values of a key other than the replica identity, which the source
 * sends only under REPLICA IDENTITY FULL. A table without a unique key: inserts claim
 * nothing (they commute), updates and deletes take the table whole. A table with a
 * trigger that fires during apply: every change is a barrier (the trigger may write
 * anywhere).
 */
final class RowKeys {

	/** Types whose text, under the pinned settings, is one-to-one with index equality. */
	private static final Set<String> EXACT_TYPES = Set.of("smallint", "integer", "bigint", "oid", "boolean", "uuid",
			"date", "timestamp without time zone", "timestamp with time zone", "time without time zone", "bytea",
			"text", "character varying", "name", "\"char\"");

	private final String table;

	/** Per unique key, the stream's column positions; null for a key not computable. */
	private final List<int[]> keys = new ArrayList<>();

	/** Per unique key, the hash its values start from. */
	private final long[] starts;

	/** Whether each column of the tuple is part of the replica identity. */
	private final boolean[] identity;

	/** Whether the table has a unique key computable from any image. */
	private final boolean keyless;

	/** Whether some unique key can never be computed: every change takes the table. */
	private final boolean opaque;

	/**
	 * Whether a trigger fires on its changes during apply: it may write any table, so
	 * each change is a barrier.
	 */
	private final boolean triggered;

	RowKeys(RelationShape shape, TargetTable target) {
		this.table = target.qualifiedName();
		this.identity = new boolean[shape.columns().size()];
		for (int i = 0; i < this.identity.length; i++) {
			this.identity[i] = shape.columns().get(i).key();
		}
		boolean anyOpaque = false;
		for (List<String> unique : target.uniqueKeys()) {
			int[] positions = positions(shape, target, unique);
			if (positions == null) {
				anyOpaque = true;
			}
			this.keys.add(positions);
		}
		this.keyless = target.uniqueKeys().isEmpty();
		this.opaque = anyOpaque;
		this.starts = new long[this.keys.size()];
		for (int k = 0; k < this.starts.length; k++) {
			this.starts[k] = start(this.table, k);
		}
		this.triggered = target.replicaTriggers();
	}

	private static int[] positions(RelationShape shape, TargetTable target, List<String> unique) {
		if (unique.isEmpty()) {
			return null;
		}
		int[] positions = new int[unique.size()];
		for (int k = 0; k < unique.size(); k++) {
			String name = unique.get(k);
			TargetTable.Column column = target.columns().get(name);
			if (column == null || column.generated() || !EXACT_TYPES.contains(column.unmodifiedType())) {
				return null;
			}
			positions[k] = -1;
			for (int i = 0; i < shape.columns().size(); i++) {
				if (shape.columns().get(i).name().equals(name)) {
					positions[k] = i;
				}
			}
			if (positions[k] < 0) {
				return null;
			}
		}
		return positions;
	}

	void insert(ChangeEvent.Insert insert, ConflictKeys into) {
		if (this.triggered) {
			into.barrier();
			return;
		}
		if (this.opaque) {
			into.whole(this.table);
		}
		else if (this.keyless) {
			into.touch(this.table);
		}
		else {
			image(insert.newRow(), null, into);
		}
	}

	void update(ChangeEvent.Update update, ConflictKeys into) {
		if (takesWhole(into)) {
			return;
		}
		List<Value> old = update.oldRow();
		image(update.newRow(), null, into);
		if (old == null) {
			// the key did not change: the identity's values are the new image's; any
			// other key's old values are unknown
			image(update.newRow(), this.identity, into);
		}
		else {
			image(old, update.oldIsFullRow() ? null : this.identity, into);
		}
	}

	void delete(ChangeEvent.Delete delete, ConflictKeys into) {
		if (takesWhole(into)) {
			return;
		}
		image(delete.oldRow(), delete.oldIsFullRow() ? null : this.identity, into);
	}

	/**
	 * An UPDATE or DELETE of a table with a trigger (a barrier), a key never computable
	 * or no key (the table whole): true when that is all its keys.
	 */
	private boolean takesWhole(ConflictKeys into) {
		if (this.triggered) {
			into.barrier();
			return true;
		}
		if (this.opaque || this.keyless) {
			into.whole(this.table);
			return true;
		}
		return false;
	}

	/**
	 * Adds the value of every unique key in {@code row}; with {@code known}, only columns
	 * it marks are known, and a key with another column takes the table whole.
	 */
	private void image(List<Value> row, boolean[] known, ConflictKeys into) {
		for (int k = 0; k < this.keys.size(); k++) {
			int[] positions = this.keys.get(k);
			long hash = this.starts[k];
			for (int position : positions) {
				Value value = (position < row.size()) ? row.get(position) : Value.UNCHANGED;
				if ((known != null && !known[position]) || value.isUnchanged()) {
					into.whole(this.table);
					return;
				}
				hash = mix(hash, value);
			}
			into.row(this.table, hash);
		}
	}

	/** The hash a key's values start from: of the table and the key, computed once. */
	private static long start(String table, int key) {
		long hash = mix(0xcbf29ce484222325L, table);
		return hash * 0x100000001b3L + key;
	}

	private static long mix(long hash, Value value) {
		if (value.isNull()) {
			return (hash ^ 0x9e3779b97f4a7c15L) * 0x100000001b3L;
		}
		return mix((hash ^ 0x5bd1e995L) * 0x100000001b3L, value.text());
	}

	/** FNV-1a over the string's chars, with its length so that splits differ. */
	private static long mix(long hash, String text) {
		long h = hash;
		for (int i = 0; i < text.length(); i++) {
			h = (h ^ text.charAt(i)) * 0x100000001b3L;
		}
		return (h ^ text.length()) * 0x100000001b3L;
	}

}
