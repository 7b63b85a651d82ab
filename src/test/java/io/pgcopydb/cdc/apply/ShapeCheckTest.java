package io.pgcopydb.cdc.apply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.decode.RelationShape;

import static org.assertj.core.api.Assertions.assertThat;

class ShapeCheckTest {

	private static final long INT4 = 23;

	private static final long INT8 = 20;

	private static final long TEXT = 25;

	private static RelationShape.Column col(String name, long oid) {
		return new RelationShape.Column(name, oid, null, name.equals("id"));
	}

	private static RelationShape.Column named(String name, String type) {
		return new RelationShape.Column(name, 0, type, name.equals("id"));
	}

	private static RelationShape shape(boolean complete, RelationShape.Column... columns) {
		return new RelationShape(1, "public", "t", 'd', List.of(columns), complete);
	}

	/** A target table of (name, type OID, format_type name) triples. */
	private static String check(RelationShape shape, ShapeHistory.Change change, Object... columns) {
		Map<String, TargetTable.Column> byName = new LinkedHashMap<>();
		Map<String, ShapeCheck.TargetType> types = new LinkedHashMap<>();
		for (int i = 0; i < columns.length; i += 3) {
			String name = (String) columns[i];
			byName.put(name, new TargetTable.Column(name, (String) columns[i + 2], false, false, true));
			types.put(name, new ShapeCheck.TargetType((long) columns[i + 1], (String) columns[i + 2],
					"pg_catalog." + columns[i + 2]));
		}
		return ShapeCheck.mismatch(shape, change, new TargetTable("public.t", false, byName, List.of()), types,
				(oid) -> (oid == INT8) ? "bigint" : "OID " + oid);
	}

	@Test
	void aColumnDroppedOnTheSourceWhileTheTargetKeepsItIsNamed() {
		ShapeHistory history = new ShapeHistory();
		history.next(shape(true, col("id", INT4), col("note", TEXT), col("extra", INT4)));
		RelationShape after = shape(true, col("id", INT4), col("note", TEXT));
		ShapeHistory.Change change = history.next(after);

		assertThat(check(after, change, "id", INT4, "integer", "note", TEXT, "text", "extra", INT4, "integer"))
			.contains("public.t")
			.contains("\"extra\"")
			.contains("DROP COLUMN")
			.contains("--resume");
		assertThat(check(after, change, "id", INT4, "integer", "note", TEXT, "text")).isNull();
	}

	@Test
	void aTargetColumnTheStreamNeverSentIsAColumnAddedAheadOnTheTarget() {
		RelationShape first = shape(true, col("id", INT4), col("note", TEXT));
		ShapeHistory.Change change = new ShapeHistory().next(first);

		assertThat(check(first, change, "id", INT4, "integer", "note", TEXT, "text", "added", TEXT, "text")).isNull();
	}

	@Test
	void aTypeChangedOnTheSourceIsNamedUntilTheTargetFollows() {
		ShapeHistory history = new ShapeHistory();
		history.next(shape(true, col("id", INT4), col("n", INT4)));
		RelationShape after = shape(true, col("id", INT4), col("n", INT8));
		ShapeHistory.Change change = history.next(after);

		assertThat(check(after, change, "id", INT4, "integer", "n", INT4, "integer")).contains("\"n\"")
			.contains("public.t")
			.contains("bigint")
			.contains("integer")
			.contains("ALTER COLUMN");
		assertThat(check(after, change, "id", INT4, "integer", "n", INT8, "bigint")).isNull();
	}

	@Test
	void aTypmodChangeIsNoTypeChange() {
		ShapeHistory history = new ShapeHistory();
		history.next(shape(true, named("id", "integer"), named("note", "character varying(10)")));
		RelationShape after = shape(true, named("id", "integer"), named("note", "character varying(20)"));

		assertThat(history.next(after)).isEqualTo(ShapeHistory.Change.NONE);
	}

	@Test
	void textPluginTypeNamesMatchTheTargetsWithoutModifiers() {
		ShapeCheck.TargetType varchar = new ShapeCheck.TargetType(1043, "character varying", "pg_catalog.\"varchar\"");
		ShapeCheck.TargetType stamp = new ShapeCheck.TargetType(1114, "timestamp without time zone",
				"pg_catalog.\"timestamp\"");

		assertThat(ShapeCheck.sameType(named("a", "character varying(10)"), varchar)).isTrue();
		assertThat(ShapeCheck.sameType(named("a", "timestamp(3) without time zone"), stamp)).isTrue();
		assertThat(ShapeCheck.sameType(named("a", "text"), varchar)).isFalse();
		assertThat(ShapeCheck.sameType(col("a", INT8), new ShapeCheck.TargetType(INT4, "integer", "x"))).isFalse();
	}

	@Test
	void aPartialShapeDropsNothing() {
		ShapeHistory history = new ShapeHistory();
		history.next(shape(true, col("id", INT4), col("note", TEXT)));

		assertThat(history.next(shape(false, col("id", INT4)))).isEqualTo(ShapeHistory.Change.NONE);
		assertThat(history.next(shape(true, col("id", INT4))).dropped()).containsExactly("note");
	}

	@Test
	void aColumnTheTargetLacksIsNamedWhateverTheHistory() {
		RelationShape shape = shape(false, col("id", INT4), col("renamed", TEXT));

		assertThat(check(shape, ShapeHistory.Change.NONE, "id", INT4, "integer", "note", TEXT, "text"))
			.contains("\"renamed\"")
			.contains("lacks");
	}

}
