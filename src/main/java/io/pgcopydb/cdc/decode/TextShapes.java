package io.pgcopydb.cdc.decode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The table shapes of a text plugin's stream (test_decoding, wal2json), which name a
 * table and its columns in every change instead of sending Relation messages. A shape's
 * id is assigned here, stable for a (schema, table, column list); a
 * {@link ChangeEvent.Relation} goes out before the first change of a shape and again when
 * the table's column list or its known key columns change.
 * <p>
 * Key columns come from the {@link ReplicaIdentities} given, else from the old tuples
 * seen: a column that appeared in an old key is a key column from then on.
 */
final class TextShapes {

	private final ReplicaIdentities identities;

	private final Map<Table, RelationShape> current = new HashMap<>();

	private final Map<Table, Set<String>> learntKeys = new HashMap<>();

	private final Map<Signature, Long> ids = new HashMap<>();

	private long nextId = 1;

	TextShapes(ReplicaIdentities identities) {
		this.identities = identities;
	}

	/** The table's current shape, or null before its first change. */
	RelationShape current(String schema, String name) {
		return this.current.get(new Table(schema, name));
	}

	/**
	 * The shape of a table whose change lists {@code columns} (key flags ignored), made
	 * current; a Relation event goes out when it is not the current one.
	 * @param streamKeys key columns the change itself names (wal2json's pk), or null
	 * @param complete {@code columns} are all the table's (see
	 * {@link RelationShape#complete()})
	 */
	RelationShape shape(String schema, String name, List<RelationShape.Column> columns, Set<String> streamKeys,
			boolean complete, Consumer<ChangeEvent> out) {
		Table table = new Table(schema, name);
		if (streamKeys != null && !streamKeys.isEmpty()) {
			this.learntKeys.computeIfAbsent(table, (t) -> new HashSet<>()).addAll(streamKeys);
		}
		Optional<ReplicaIdentities.Identity> known = this.identities.find(schema, name);
		char kind = known.map(ReplicaIdentities.Identity::kind)
			.orElse((streamKeys != null && streamKeys.isEmpty()) ? 'n' : 'd');
		Set<String> keys = known.map(ReplicaIdentities.Identity::keyColumns)
			.orElse(this.learntKeys.getOrDefault(table, Set.of()));
		List<RelationShape.Column> flagged = new ArrayList<>(columns.size());
		for (RelationShape.Column column : columns) {
			flagged.add(new RelationShape.Column(column.name(), column.typeOid(), column.typeName(),
					kind == 'f' || keys.contains(column.name())));
		}
		Signature signature = new Signature(table, columns.stream().map(Signature::unflagged).toList());
		long id = this.ids.computeIfAbsent(signature, (s) -> this.nextId++);
		RelationShape shape = new RelationShape(id, schema, name, kind, List.copyOf(flagged), complete);
		if (!shape.equals(this.current.get(table))) {
			this.current.put(table, shape);
			out.accept(new ChangeEvent.Relation(shape));
		}
		return shape;
	}

	/**
	 * Learns key columns from an old key (test_decoding's old-key, wal2json's identity)
	 * when the catalog said nothing, and, for a table seen with an old tuple of every
	 * column, that its identity is full. Returns the shape, re-sent when it changed.
	 */
	RelationShape learnKeys(RelationShape shape, Set<String> oldKeyColumns, Consumer<ChangeEvent> out) {
		Table table = new Table(shape.schema(), shape.name());
		if (this.identities.find(shape.schema(), shape.name()).isPresent()) {
			return shape;
		}
		Set<String> keys = this.learntKeys.computeIfAbsent(table, (t) -> new HashSet<>());
		boolean full = oldKeyColumns.size() == shape.columns().size();
		if (!full) {
			keys.addAll(oldKeyColumns);
		}
		char kind = full ? 'f' : (shape.replicaIdentity() == 'f' ? 'f' : 'd');
		List<RelationShape.Column> flagged = new ArrayList<>(shape.columns().size());
		for (RelationShape.Column column : shape.columns()) {
			flagged.add(new RelationShape.Column(column.name(), column.typeOid(), column.typeName(),
					kind == 'f' || keys.contains(column.name())));
		}
		RelationShape learnt = new RelationShape(shape.id(), shape.schema(), shape.name(), kind, List.copyOf(flagged),
				shape.complete());
		if (!learnt.equals(shape)) {
			this.current.put(table, learnt);
			out.accept(new ChangeEvent.Relation(learnt));
		}
		return learnt;
	}

	private record Table(String schema, String name) {
	}

	private record Signature(Table table, List<RelationShape.Column> columns) {

		static RelationShape.Column unflagged(RelationShape.Column column) {
			return new RelationShape.Column(column.name(), column.typeOid(), column.typeName(), false);
		}

	}

}
