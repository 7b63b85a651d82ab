package io.pgcopydb.cdc.apply;

import java.util.Map;
import java.util.function.LongFunction;

import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.pg.Identifiers;

/**
 * Whether a target table can take the changes of a shape the stream describes, and if
 * not, the one-line reason naming the table, the column and the remedy: a column the
 * target lacks (added or renamed on the source), and, where the stream shows the source's
 * DDL ({@link ShapeHistory}), a column whose type changed while the target's did not
 * follow (a typmod alone is no change: pgoutput does not name a table's shape anew for
 * {@code varchar(10)} to {@code varchar(20)} by type, and PostgreSQL checks each value
 * against the target's modifier), or a column the stream stopped sending that the target
 * still has (dropped or renamed on the source). Pure: the caller reads the target.
 */
final class ShapeCheck {

	/**
	 * Built-in types have OIDs below this (PostgreSQL's {@code FirstGenbkiObjectId}): the
	 * same in every cluster, so pgoutput names them by OID alone. Types at or above it
	 * are compared by name.
	 */
	static final long FIRST_UNPINNED_OID = 10_000;

	private static final String REMEDY = ", then run again with --resume";

	private ShapeCheck() {
	}

	/**
	 * A target column's type.
	 *
	 * @param oid in the target cluster
	 * @param name as format_type prints it without modifier
	 * @param qualifiedName its schema and name, quoted where needed
	 */
	record TargetType(long oid, String name, String qualifiedName) {
	}

	/**
	 * Why {@code table} cannot take changes of {@code shape}, or null when it can.
	 * @param types the target table's column types, by column name
	 * @param change what the shape changed in the stream
	 * @param typeNames the name of a built-in type by OID, for the message
	 */
	static String mismatch(RelationShape shape, ShapeHistory.Change change, TargetTable table,
			Map<String, TargetType> types, LongFunction<String> typeNames) {
		String name = Identifiers.displayQualified(shape.schema(), shape.name());
		for (RelationShape.Column column : shape.columns()) {
			if (!table.columns().containsKey(column.name())) {
				return "the change stream sends column " + Identifiers.quote(column.name()) + " of table " + name
						+ ", which the target table lacks (added or renamed on the source): apply the source's DDL on"
						+ " the target (ALTER TABLE ... ADD COLUMN or RENAME COLUMN)" + REMEDY;
			}
			TargetType type = types.get(column.name());
			if (change.retyped().contains(column.name()) && type != null && !sameType(column, type)) {
				return "column " + Identifiers.quote(column.name()) + " of table " + name + " changed type on the"
						+ " source to "
						+ ((column.typeName() != null) ? column.typeName() : typeNames.apply(column.typeOid()))
						+ ", the target's is still " + type.name()
						+ ": apply the source's DDL on the target (ALTER TABLE ... ALTER COLUMN ... TYPE)" + REMEDY;
			}
		}
		for (String dropped : change.dropped()) {
			TargetTable.Column column = table.columns().get(dropped);
			if (column != null && !column.generated()) {
				return "table " + name + " on the source no longer has column " + Identifiers.quote(dropped)
						+ " (dropped or renamed there), which the target table still has: apply the source's DDL on"
						+ " the target (ALTER TABLE ... DROP COLUMN or RENAME COLUMN)" + REMEDY;
			}
		}
		return null;
	}

	/**
	 * Whether the source column's type is the target's, its modifier aside. pgoutput
	 * names a built-in type by OID, others by schema and name (its Type message); the
	 * text plugins by name as format_type prints it, with or without a modifier,
	 * qualified only when the type is not on the search path. An unknown type (no name
	 * and an OID that is not built in) is not checked.
	 */
	static boolean sameType(RelationShape.Column column, TargetType target) {
		if (column.typeOid() != 0 && column.typeOid() < FIRST_UNPINNED_OID) {
			return column.typeOid() == target.oid();
		}
		if (column.typeName() == null) {
			return true;
		}
		String source = normalized(column.typeName());
		String name = normalized(target.name());
		return source.equals(name) || source.equals(normalized(target.qualifiedName()))
				|| unqualified(source).equals(unqualified(name));
	}

	/** Without modifiers ("(10)", "(3)" in "timestamp(3) with time zone"). */
	static String normalized(String type) {
		String bare = type.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").strip();
		// format_type prints a char without modifier as bpchar when a typmod was given
		return bare.equals("bpchar") ? "character" : bare.replace("bpchar[]", "character[]");
	}

	private static String unqualified(String type) {
		int dot = type.lastIndexOf('.');
		return (dot < 0) ? type : type.substring(dot + 1);
	}

}
