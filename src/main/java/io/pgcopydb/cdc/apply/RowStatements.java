package io.pgcopydb.cdc.apply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;
import io.pgcopydb.pg.Identifiers;

/**
 * The SQL that replays one row change of one relation on its target table. Pure: no
 * session, so every trap is tested without a server.
 * <ul>
 * <li>Columns are matched by name; generated columns are never written, nor are
 * {@link Value#UNCHANGED} values (an unchanged TOAST value keeps what the target
 * has).</li>
 * <li>Values are parameters of unspecified type, which the server types from the column
 * they are compared with or assigned to; where nothing gives a type (a SELECT list) they
 * are cast to the column's type.</li>
 * <li>A row is matched by its replica identity: the key columns, or with REPLICA IDENTITY
 * FULL all old values, and then exactly one row even when the target holds duplicates
 * ({@code ctid}, with {@code tableoid} on a partitioned table where ctid is not unique).
 * A type without a btree equality (json, xml, point, box) is compared by its text.</li>
 * <li>An identity GENERATED ALWAYS column may not appear in an UPDATE's SET: when its
 * value changes (or may have), the row is deleted and inserted again with OVERRIDING
 * SYSTEM VALUE, in one statement that takes the unsent values from the deleted row.</li>
 * <li>Plain tables are written with ONLY: an inheritance child's rows arrive as changes
 * of the child.</li>
 * </ul>
 */
final class RowStatements {

	/** The CTE that holds the deleted row of a DELETE + INSERT. */
	private static final String DELETED = "pgcopydb_deleted";

	/** The target table's alias in a set-based statement. */
	private static final String TARGET = "pgcopydb_t";

	/** The alias of the rows of a set-based statement. */
	private static final String VALUES = "pgcopydb_v";

	private final RelationShape shape;

	private final TargetTable table;

	/** The target column of each column the stream sends, by position in the tuple. */
	private final List<TargetTable.Column> targets;

	private final String only;

	/**
	 * Whether an UPDATE that keeps its key may replace an earlier one of the same row and
	 * columns: only when no unique key but the replica identity could make two rows of
	 * the group conflict (a value swapped between two rows must be applied in order). A
	 * unique index on an expression or with a predicate, or an exclusion constraint,
	 * comes as an empty key, which never equals the identity: in order too.
	 */
	private final boolean compactable;

	/**
	 * Whether rows matched by key may go out set-based: every key column has a btree
	 * equality, so that a join on it finds the row the row statement finds.
	 */
	private final boolean setBased;

	/** Whether each column of the tuple is a key column. */
	private final boolean[] key;

	/**
	 * Whether each column of the tuple is never in the SET of an UPDATE that keeps its
	 * key: a key, generated or identity ALWAYS column.
	 */
	private final boolean[] neverSet;

	/** The INSERT of each set of written columns (a bit per column of the tuple). */
	private final Map<Long, Shape> inserts = new HashMap<>();

	/** The UPDATE that keeps its key, of each set of written columns. */
	private final Map<Long, Shape> updates = new HashMap<>();

	/** The DELETE by key. */
	private Shape keyedDelete;

	RowStatements(RelationShape shape, TargetTable table) {
		this.shape = shape;
		this.table = table;
		this.targets = shape.columns().stream().map((column) -> table.columns().get(column.name())).toList();
		this.only = table.partitioned() ? "" : "ONLY ";
		this.key = new boolean[shape.columns().size()];
		this.neverSet = new boolean[this.key.length];
		for (int i = 0; i < this.key.length; i++) {
			TargetTable.Column target = this.targets.get(i);
			this.key[i] = shape.columns().get(i).key();
			this.neverSet[i] = this.key[i] || target.generated() || target.identityAlways();
		}
		Set<String> key = new HashSet<>();
		shape.columns().stream().filter(RelationShape.Column::key).forEach((column) -> key.add(column.name()));
		this.compactable = shape.replicaIdentity() != 'f' && !key.isEmpty()
				&& table.uniqueKeys().stream().allMatch((unique) -> new HashSet<>(unique).equals(key));
		this.setBased = shape.replicaIdentity() != 'f' && !key.isEmpty()
				&& key.stream().allMatch((name) -> table.columns().get(name).hasEquality());
	}

	TargetTable table() {
		return this.table;
	}

	RelationShape shape() {
		return this.shape;
	}

	BoundStatement insert(ChangeEvent.Insert insert) {
		List<Value> row = checked(insert.newRow(), "INSERT");
		long written = 0;
		List<String> parameters = new ArrayList<>(row.size());
		for (int i = 0; i < row.size(); i++) {
			if (this.targets.get(i).generated() || row.get(i).isUnchanged()) {
				continue;
			}
			written |= bit(i);
			parameters.add(row.get(i).text());
		}
		Shape shape = this.inserts.get(written);
		if (shape == null) {
			shape = insertShape(row);
			if (row.size() < Long.SIZE) {
				this.inserts.put(written, shape);
			}
		}
		return new BoundStatement(shape.sql(), parameters, null, shape.set());
	}

	/** The INSERT writing the columns {@code row} sends, and its set-based form. */
	private Shape insertShape(List<Value> row) {
		StringJoiner columns = new StringJoiner(", ");
		StringJoiner values = new StringJoiner(", ", "(", ")");
		StringJoiner casts = new StringJoiner(", ");
		StringJoiner arrays = new StringJoiner(", ");
		StringJoiner names = new StringJoiner(", ", " (", ")");
		boolean overriding = false;
		int count = 0;
		for (int i = 0; i < row.size(); i++) {
			TargetTable.Column column = this.targets.get(i);
			if (column.generated() || row.get(i).isUnchanged()) {
				continue;
			}
			overriding |= column.identityAlways();
			columns.add(Identifiers.quote(column.name()));
			values.add("?");
			count++;
			casts.add(VALUES + ".p" + count + "::" + column.unmodifiedType());
			arrays.add("?::text[]");
			names.add("p" + count);
		}
		String head = "INSERT INTO " + this.table.qualifiedName() + " (" + columns + ")"
				+ (overriding ? " OVERRIDING SYSTEM VALUE" : "");
		String set = head + " SELECT " + casts + " FROM unnest(" + arrays + ") AS " + VALUES + names;
		return new Shape(head + " VALUES " + values, new SetStatement(SetStatement.Kind.INSERT, set, count));
	}

	/**
	 * The UPDATE, or a DELETE + INSERT when an identity ALWAYS column changes; null when
	 * the change writes nothing (every sent value is the unchanged key or unchanged
	 * TOAST).
	 */
	BoundStatement update(ChangeEvent.Update update) {
		List<Value> newRow = checked(update.newRow(), "UPDATE");
		List<Value> oldRow = (update.oldRow() != null) ? checked(update.oldRow(), "UPDATE") : null;
		boolean full = update.oldIsFullRow() && oldRow != null;
		List<Value> match = (oldRow != null) ? oldRow : newRow;
		for (int i = 0; i < newRow.size(); i++) {
			TargetTable.Column column = this.targets.get(i);
			if (column.identityAlways() && !column.generated() && !newRow.get(i).isUnchanged()) {
				Value before = valueBefore(i, oldRow, full, newRow);
				if (before == null || !before.equals(newRow.get(i))) {
					return replace(match, full, newRow);
				}
			}
		}
		if (oldRow == null && newRow.size() < Long.SIZE) {
			return keyedUpdate(newRow);
		}
		return rowUpdate(newRow, oldRow, full, match);
	}

	private BoundStatement rowUpdate(List<Value> newRow, List<Value> oldRow, boolean full, List<Value> match) {
		StringJoiner set = new StringJoiner(", ");
		List<String> parameters = new ArrayList<>();
		for (int i = 0; i < newRow.size(); i++) {
			TargetTable.Column column = this.targets.get(i);
			boolean keyUnchanged = oldRow == null && this.shape.columns().get(i).key();
			if (column.generated() || column.identityAlways() || newRow.get(i).isUnchanged() || keyUnchanged) {
				continue;
			}
			set.add(Identifiers.quote(column.name()) + " = ?");
			parameters.add(newRow.get(i).text());
		}
		if (parameters.isEmpty()) {
			return null;
		}
		StringBuilder sql = new StringBuilder("UPDATE ").append(this.only)
			.append(this.table.qualifiedName())
			.append(" SET ")
			.append(set);
		int setCount = parameters.size();
		matching(sql, parameters, match, full, "UPDATE");
		String rowKey = (oldRow == null && this.compactable) ? rowKey(parameters, setCount) : null;
		return new BoundStatement(sql.toString(), parameters, rowKey);
	}

	/**
	 * An UPDATE that keeps its key, from a statement shape kept per set of written
	 * columns; with its set-based form where rows of it commute (see
	 * {@link SetStatement}).
	 */
	private BoundStatement keyedUpdate(List<Value> newRow) {
		long written = 0;
		List<String> parameters = new ArrayList<>(newRow.size());
		for (int i = 0; i < newRow.size(); i++) {
			Value value = newRow.get(i);
			if (this.neverSet[i] || value.isUnchanged()) {
				continue;
			}
			written |= bit(i);
			parameters.add(value.text());
		}
		if (parameters.isEmpty()) {
			return null;
		}
		int setCount = parameters.size();
		if (!keyValues(newRow, parameters)) {
			return rowUpdate(newRow, null, false, newRow);
		}
		Shape shape = this.updates.get(written);
		if (shape == null) {
			BoundStatement statement = rowUpdate(newRow, null, false, newRow);
			shape = new Shape(statement.sql(), this.setBased ? setUpdate(newRow) : null);
			this.updates.put(written, shape);
		}
		String rowKey = this.compactable ? rowKey(parameters, setCount) : null;
		return new BoundStatement(shape.sql(), parameters, rowKey, (rowKey != null) ? shape.set() : null);
	}

	/** UPDATE ... FROM unnest(...) setting the columns {@code newRow} writes. */
	private SetStatement setUpdate(List<Value> newRow) {
		StringJoiner set = new StringJoiner(", ");
		int p = 0;
		for (int i = 0; i < newRow.size(); i++) {
			TargetTable.Column column = this.targets.get(i);
			if (column.generated() || column.identityAlways() || newRow.get(i).isUnchanged()
					|| this.shape.columns().get(i).key()) {
				continue;
			}
			p++;
			set.add(Identifiers.quote(column.name()) + " = " + VALUES + ".p" + p + "::" + column.unmodifiedType());
		}
		String head = "UPDATE " + this.only + this.table.qualifiedName() + " AS " + TARGET + " SET " + set + " FROM ";
		return keyMatched(head, p);
	}

	BoundStatement delete(ChangeEvent.Delete delete) {
		List<Value> oldRow = checked(delete.oldRow(), "DELETE");
		List<String> parameters = new ArrayList<>();
		if (!delete.oldIsFullRow() && keyValues(oldRow, parameters)) {
			if (this.keyedDelete == null) {
				StringBuilder sql = new StringBuilder("DELETE FROM ").append(this.only)
					.append(this.table.qualifiedName());
				matching(sql, new ArrayList<>(), oldRow, false, "DELETE");
				SetStatement set = null;
				if (this.setBased) {
					set = keyMatched(
							"DELETE FROM " + this.only + this.table.qualifiedName() + " AS " + TARGET + " USING ", 0);
				}
				this.keyedDelete = new Shape(sql.toString(), set);
			}
			return new BoundStatement(this.keyedDelete.sql(), parameters, null, this.keyedDelete.set());
		}
		parameters.clear();
		StringBuilder sql = new StringBuilder("DELETE FROM ").append(this.only).append(this.table.qualifiedName());
		matching(sql, parameters, oldRow, delete.oldIsFullRow(), "DELETE");
		return new BoundStatement(sql.toString(), parameters);
	}

	/**
	 * Completes a set-based statement whose rows hold {@code before} values, then the key
	 * values, joined to the target's rows by key.
	 */
	private SetStatement keyMatched(String head, int before) {
		StringJoiner arrays = new StringJoiner(", ", "unnest(", ")");
		StringJoiner names = new StringJoiner(", ", " (", ")");
		for (int p = 1; p <= before; p++) {
			arrays.add("?::text[]");
			names.add("p" + p);
		}
		StringJoiner join = new StringJoiner(" AND ");
		int p = before;
		for (int i = 0; i < this.shape.columns().size(); i++) {
			if (this.shape.columns().get(i).key()) {
				TargetTable.Column column = this.targets.get(i);
				p++;
				arrays.add("?::text[]");
				names.add("p" + p);
				join.add(TARGET + "." + Identifiers.quote(column.name()) + " = " + VALUES + ".p" + p + "::"
						+ column.unmodifiedType());
			}
		}
		return new SetStatement(SetStatement.Kind.MATCH, head + arrays + " AS " + VALUES + names + " WHERE " + join, p);
	}

	/**
	 * Appends the key values of {@code row} in column order, as {@link #matching} binds
	 * them; false when a key value is NULL or not sent (the row statement says what that
	 * means).
	 */
	private boolean keyValues(List<Value> row, List<String> parameters) {
		for (int i = 0; i < row.size(); i++) {
			if (this.key[i]) {
				Value value = row.get(i);
				if (value.isNull() || value.isUnchanged()) {
					return false;
				}
				parameters.add(value.text());
			}
		}
		return true;
	}

	/** The key values from {@code from} on, as one string: the value itself for one. */
	private static String rowKey(List<String> parameters, int from) {
		return (parameters.size() == from + 1) ? parameters.get(from)
				: String.join("\u0000", parameters.subList(from, parameters.size()));
	}

	private static long bit(int i) {
		return (i < Long.SIZE) ? 1L << i : 0;
	}

	/**
	 * TRUNCATE of target tables with the source's CASCADE and RESTART IDENTITY; ONLY on
	 * plain tables (the source lists every table it emptied), never on a partitioned one
	 * (that would empty nothing).
	 */
	static BoundStatement truncate(List<TargetTable> tables, boolean cascade, boolean restartIdentity) {
		StringJoiner names = new StringJoiner(", ");
		for (TargetTable table : tables) {
			names.add((table.partitioned() ? "" : "ONLY ") + table.qualifiedName());
		}
		return new BoundStatement(
				"TRUNCATE " + names + (restartIdentity ? " RESTART IDENTITY" : "") + (cascade ? " CASCADE" : ""),
				List.of());
	}

	/**
	 * What column {@code i} held before the change, when the stream says: the old row's
	 * value, or the new row's for a key column of an update that kept its key; null when
	 * unknown.
	 */
	private Value valueBefore(int i, List<Value> oldRow, boolean full, List<Value> newRow) {
		boolean key = this.shape.columns().get(i).key();
		if (oldRow != null && (full || key) && !oldRow.get(i).isUnchanged()) {
			return oldRow.get(i);
		}
		if (oldRow == null && key) {
			return newRow.get(i);
		}
		return null;
	}

	/**
	 * DELETE + INSERT in one statement: a changed identity ALWAYS value cannot be SET.
	 * The values the change did not send (unchanged TOAST, target-only columns) come from
	 * the deleted row.
	 */
	private BoundStatement replace(List<Value> match, boolean full, List<Value> newRow) {
		List<String> parameters = new ArrayList<>();
		StringBuilder sql = new StringBuilder("WITH ").append(DELETED)
			.append(" AS (DELETE FROM ")
			.append(this.only)
			.append(this.table.qualifiedName());
		matching(sql, parameters, match, full, "UPDATE");
		sql.append(" RETURNING *) INSERT INTO ").append(this.table.qualifiedName());
		StringJoiner columns = new StringJoiner(", ", " (", ")");
		StringJoiner values = new StringJoiner(", ");
		for (TargetTable.Column column : this.table.writableColumns()) {
			int i = indexOf(column.name());
			columns.add(Identifiers.quote(column.name()));
			if (i >= 0 && !newRow.get(i).isUnchanged()) {
				values.add("?::" + column.type());
				parameters.add(newRow.get(i).text());
			}
			else {
				values.add(DELETED + "." + Identifiers.quote(column.name()));
			}
		}
		sql.append(columns).append(" OVERRIDING SYSTEM VALUE SELECT ").append(values).append(" FROM ").append(DELETED);
		return new BoundStatement(sql.toString(), parameters);
	}

	/**
	 * Appends the WHERE clause that finds the row: by key, or with a full old row, the
	 * one row (of possibly several equal ones) matching every old value.
	 */
	private void matching(StringBuilder sql, List<String> parameters, List<Value> old, boolean full, String verb) {
		StringJoiner conditions = new StringJoiner(" AND ");
		for (int i = 0; i < old.size(); i++) {
			TargetTable.Column column = this.targets.get(i);
			Value value = old.get(i);
			boolean key = this.shape.columns().get(i).key();
			if (full ? (column.generated() || value.isUnchanged()) : !key) {
				continue;
			}
			if (value.isUnchanged()) {
				throw new PgCopyException(ExitCode.INTERNAL,
						"the change stream has a " + verb + " of " + this.table.qualifiedName() + " whose key column "
								+ Identifiers.quote(column.name())
								+ " was not sent; this is a bug, please report it with the log file");
			}
			conditions.add(condition(column, value, parameters));
		}
		if (conditions.length() == 0) {
			throw new BadStateException("the change stream has a " + verb + " of " + this.table.qualifiedName()
					+ " without a key to find the row by: give the source table a primary key or REPLICA IDENTITY"
					+ " FULL, then copy it again");
		}
		if (!full) {
			sql.append(" WHERE ").append(conditions);
		}
		else if (this.table.partitioned()) {
			sql.append(" WHERE (tableoid, ctid) = (SELECT tableoid, ctid FROM ")
				.append(this.table.qualifiedName())
				.append(" WHERE ")
				.append(conditions)
				.append(" LIMIT 1)");
		}
		else {
			sql.append(" WHERE ctid = (SELECT ctid FROM ONLY ")
				.append(this.table.qualifiedName())
				.append(" WHERE ")
				.append(conditions)
				.append(" LIMIT 1)");
		}
	}

	/**
	 * One column's match: {@code IS NULL}, {@code =} where the type has a btree equality,
	 * else the text of both sides, the stream's value read by the column type's input
	 * function first so that both are printed by the same output function.
	 */
	private static String condition(TargetTable.Column column, Value value, List<String> parameters) {
		String name = Identifiers.quote(column.name());
		if (value.isNull()) {
			return name + " IS NULL";
		}
		parameters.add(value.text());
		if (column.hasEquality()) {
			return name + " = ?";
		}
		return name + "::text = (?::" + column.type() + ")::text";
	}

	private int indexOf(String name) {
		for (int i = 0; i < this.shape.columns().size(); i++) {
			if (this.shape.columns().get(i).name().equals(name)) {
				return i;
			}
		}
		return -1;
	}

	private List<Value> checked(List<Value> row, String verb) {
		if (row.size() != this.shape.columns().size()) {
			throw new PgCopyException(ExitCode.INTERNAL,
					"the change stream has a " + verb + " of " + this.table.qualifiedName() + " with " + row.size()
							+ " values for " + this.shape.columns().size()
							+ " columns; this is a bug, please report it with the log file");
		}
		return row;
	}

	/** A statement shape: the row statement's SQL and its set-based form, if any. */
	private record Shape(String sql, SetStatement set) {
	}

}
