package io.pgcopydb.cdc.apply;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.pgcopydb.cdc.decode.RelationShape;

/**
 * The shapes of each table along the change stream, in stream order: what a new shape
 * changed against the table's shapes before it. A column the stream stops sending, or
 * whose type changes, is a change of the source's DDL; the target must have followed it
 * before apply goes on ({@link ShapeCheck}). A difference between the first shape seen
 * and the target is no such change: the DBA may have added a column on the target ahead
 * of the source, and a column the stream does not know is then left to its default.
 */
final class ShapeHistory {

	/**
	 * The columns of the last shape of each table, by name (a complete shape resets
	 * them).
	 */
	private final Map<String, Map<String, RelationShape.Column>> columns = new HashMap<>();

	/** What changed in the table's shape, stream-wise. */
	record Change(Set<String> dropped, Set<String> retyped) {

		static final Change NONE = new Change(Set.of(), Set.of());

	}

	/** Records {@code shape} as the table's latest and returns what it changed. */
	Change next(RelationShape shape) {
		String table = shape.qualifiedName();
		Map<String, RelationShape.Column> known = this.columns.get(table);
		Set<String> dropped = new LinkedHashSet<>();
		Set<String> retyped = new LinkedHashSet<>();
		Map<String, RelationShape.Column> now = new LinkedHashMap<>();
		shape.columns().forEach((column) -> now.put(column.name(), column));
		if (known != null) {
			for (RelationShape.Column column : shape.columns()) {
				RelationShape.Column before = known.get(column.name());
				if (before != null && !sameType(before, column)) {
					retyped.add(column.name());
				}
			}
			if (shape.complete()) {
				known.keySet().stream().filter((name) -> !now.containsKey(name)).forEach(dropped::add);
			}
		}
		if (shape.complete() || known == null) {
			this.columns.put(table, now);
		}
		else {
			known.putAll(now);
		}
		return (dropped.isEmpty() && retyped.isEmpty()) ? Change.NONE
				: new Change(Set.copyOf(dropped), Set.copyOf(retyped));
	}

	/** The same type in two shapes of one stream, modifiers aside. */
	private static boolean sameType(RelationShape.Column before, RelationShape.Column after) {
		if (before.typeOid() != 0 && after.typeOid() != 0 && before.typeOid() != after.typeOid()) {
			return false;
		}
		if (before.typeName() == null || after.typeName() == null) {
			return true;
		}
		return Objects.equals(ShapeCheck.normalized(before.typeName()), ShapeCheck.normalized(after.typeName()));
	}

}
