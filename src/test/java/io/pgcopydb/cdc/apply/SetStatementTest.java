package io.pgcopydb.cdc.apply;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;

import static org.assertj.core.api.Assertions.assertThat;

/** The set-based forms of row statements, and where there must be none. */
class SetStatementTest {

	private static final String T = "\"public\".\"t\"";

	private static Value v(String text) {
		return Value.text(text);
	}

	private static List<Value> row(Value... values) {
		return Arrays.asList(values);
	}

	private static RelationShape shape(char identity, RelationShape.Column... columns) {
		return new RelationShape(1, "public", "t", identity, List.of(columns));
	}

	private static RelationShape.Column key(String name) {
		return new RelationShape.Column(name, 23, null, true);
	}

	private static RelationShape.Column col(String name) {
		return new RelationShape.Column(name, 25, null, false);
	}

	private static TargetTable table(boolean partitioned, List<List<String>> uniqueKeys,
			TargetTable.Column... columns) {
		Map<String, TargetTable.Column> byName = new LinkedHashMap<>();
		for (TargetTable.Column column : columns) {
			byName.put(column.name(), column);
		}
		return new TargetTable(T, partitioned, byName, uniqueKeys);
	}

	private static TargetTable.Column plain(String name, String type) {
		return new TargetTable.Column(name, type, false, false, true);
	}

	private static ChangeEvent.Update keyKept(Value... newRow) {
		return new ChangeEvent.Update(1, null, false, row(newRow));
	}

	@Test
	void insertsGoOutAsOneMultiRowInsertTypedByTheTargetColumns() {
		TargetTable table = table(false, List.of(List.of("id")),
				new TargetTable.Column("id", "bigint", false, true, true), plain("a", "integer[]"), plain("b", "bytea"),
				new TargetTable.Column("g", "integer", true, false, true));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("a"), col("b"), col("g")), table);
		BoundStatement insert = statements
			.insert(new ChangeEvent.Insert(1, row(v("1"), v("{1,NULL}"), Value.NULL, v("2"))));
		assertThat(insert.set().sql()).isEqualTo("INSERT INTO " + T
				+ " (\"id\", \"a\", \"b\") OVERRIDING SYSTEM VALUE SELECT pgcopydb_v.p1::bigint, pgcopydb_v.p2::integer[],"
				+ " pgcopydb_v.p3::bytea FROM unnest(?::text[], ?::text[], ?::text[]) AS pgcopydb_v (p1, p2, p3)");
		assertThat(insert.parameters()).containsExactly("1", "{1,NULL}", null);
		assertThat(insert.set().kind()).isEqualTo(SetStatement.Kind.INSERT);
	}

	@Test
	void updatesThatKeepTheirKeyJoinValuesCastToTheColumnTypes() {
		TargetTable table = table(false, List.of(List.of("id")), plain("id", "integer"), plain("a", "text[]"),
				plain("b", "bytea"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("a"), col("b")), table);
		BoundStatement update = statements.update(keyKept(v("7"), v("{x}"), Value.NULL));
		assertThat(update.set().sql()).isEqualTo("UPDATE ONLY " + T
				+ " AS pgcopydb_t SET \"a\" = pgcopydb_v.p1::text[], \"b\" = pgcopydb_v.p2::bytea FROM unnest(?::text[],"
				+ " ?::text[], ?::text[]) AS pgcopydb_v (p1, p2, p3) WHERE pgcopydb_t.\"id\" = pgcopydb_v.p3::integer");
		assertThat(update.parameters()).containsExactly("{x}", null, "7");
		assertThat(update.set().kind()).isEqualTo(SetStatement.Kind.MATCH);
	}

	@Test
	void anUnchangedToastValueGivesAnotherShapeThatNeverWritesIt() {
		TargetTable table = table(false, List.of(List.of("id")), plain("id", "integer"), plain("big", "text"),
				plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("big"), col("n")), table);
		BoundStatement all = statements.update(keyKept(v("1"), v("x"), v("2")));
		BoundStatement unchanged = statements.update(keyKept(v("1"), Value.UNCHANGED, v("2")));
		assertThat(unchanged.sql()).isNotEqualTo(all.sql());
		assertThat(unchanged.set()).isNotSameAs(all.set());
		assertThat(unchanged.set().sql()).doesNotContain("\"big\"")
			.contains("SET \"n\" = pgcopydb_v.p1::integer FROM unnest(?::text[], ?::text[])");
		assertThat(statements.update(keyKept(v("3"), Value.UNCHANGED, v("4"))).set()).isSameAs(unchanged.set());
	}

	@Test
	void updatesWhoseOrderMayMatterHaveNoSetBasedForm() {
		RelationShape shape = shape('d', key("id"), col("code"));
		TargetTable otherUnique = table(false, List.of(List.of("id"), List.of("code")), plain("id", "integer"),
				plain("code", "integer"));
		assertThat(new RowStatements(shape, otherUnique).update(keyKept(v("1"), v("2"))).set()).isNull();
		TargetTable keyOnly = table(false, List.of(List.of("id")), plain("id", "integer"), plain("code", "integer"));
		assertThat(new RowStatements(shape, keyOnly)
			.update(new ChangeEvent.Update(1, row(v("1"), Value.NULL), false, row(v("2"), v("2"))))
			.set()).isNull();
	}

	@Test
	void replicaIdentityFullAndKeysWithoutEqualityStayRowByRow() {
		TargetTable table = table(false, List.of(), plain("a", "integer"), plain("b", "text"));
		RowStatements full = new RowStatements(shape('f', col("a"), col("b")), table);
		assertThat(full.delete(new ChangeEvent.Delete(1, row(v("1"), v("x")), true)).set()).isNull();
		assertThat(full.update(new ChangeEvent.Update(1, row(v("1"), v("x")), true, row(v("1"), v("y")))).set())
			.isNull();
		TargetTable json = table(false, List.of(), new TargetTable.Column("j", "json", false, false, false),
				plain("b", "text"));
		RowStatements byJson = new RowStatements(shape('i', key("j"), col("b")), json);
		assertThat(byJson.update(keyKept(v("{}"), v("y"))).set()).isNull();
		assertThat(byJson.delete(new ChangeEvent.Delete(1, row(v("{}"), Value.NULL), false)).set()).isNull();
		assertThat(byJson.update(keyKept(v("{}"), v("y"))).sql())
			.isEqualTo("UPDATE ONLY " + T + " SET \"b\" = ? WHERE \"j\"::text = (?::json)::text");
	}

	@Test
	void deletesByKeyJoinTheKeysAndAPartitionedTargetIsWrittenWithoutOnly() {
		TargetTable table = table(true, List.of(List.of("k1", "k2")), plain("k1", "integer"), plain("k2", "date"),
				plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('d', key("k1"), key("k2"), col("n")), table);
		BoundStatement delete = statements
			.delete(new ChangeEvent.Delete(1, row(v("1"), v("2024-01-01"), Value.NULL), false));
		assertThat(delete.sql()).isEqualTo("DELETE FROM " + T + " WHERE \"k1\" = ? AND \"k2\" = ?");
		assertThat(delete.set().sql())
			.isEqualTo("DELETE FROM " + T + " AS pgcopydb_t USING unnest(?::text[], ?::text[]) AS pgcopydb_v (p1, p2)"
					+ " WHERE pgcopydb_t.\"k1\" = pgcopydb_v.p1::integer AND pgcopydb_t.\"k2\" = pgcopydb_v.p2::date");
		assertThat(delete.parameters()).containsExactly("1", "2024-01-01");
		assertThat(statements.update(keyKept(v("1"), v("2024-01-01"), v("5"))).set().sql())
			.startsWith("UPDATE " + T + " AS pgcopydb_t SET");
	}

	@Test
	void aNullKeyValueKeepsTheRowStatementThatSaysIsNull() {
		TargetTable table = table(false, List.of(), plain("k", "integer"), plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('i', key("k"), col("n")), table);
		BoundStatement delete = statements.delete(new ChangeEvent.Delete(1, row(Value.NULL, Value.NULL), false));
		assertThat(delete.sql()).endsWith("WHERE \"k\" IS NULL");
		assertThat(delete.set()).isNull();
	}

	@Test
	void valuesAreCastWithoutTheTypeModifierSoThatAssignmentRefusesAValueTooLong() {
		TargetTable table = table(false, List.of(List.of("k")),
				new TargetTable.Column("k", "character(3)", "bpchar", false, false, true),
				new TargetTable.Column("v", "character varying(5)", "character varying", false, false, true));
		RowStatements statements = new RowStatements(shape('d', key("k"), col("v")), table);
		assertThat(statements.insert(new ChangeEvent.Insert(1, row(v("abc"), v("x")))).set().sql())
			.contains("SELECT pgcopydb_v.p1::bpchar, pgcopydb_v.p2::character varying FROM");
		assertThat(statements.update(keyKept(v("abc"), v("y"))).set().sql())
			.contains("SET \"v\" = pgcopydb_v.p1::character varying FROM")
			.endsWith("WHERE pgcopydb_t.\"k\" = pgcopydb_v.p2::bpchar");
	}

	@Test
	void eachParameterGoesOutAsOneTextArrayOfTheRowsValuesQuotedExactly() {
		List<BoundStatement> rows = List.of(new BoundStatement("", Arrays.asList("a\"b\\c", null)),
				new BoundStatement("", Arrays.asList("NULL", "")),
				new BoundStatement("", Arrays.asList(" {x, y} ", "1")));
		assertThat(SetStatement.columns(rows, 2)).containsExactly("{\"a\\\"b\\\\c\",\"NULL\",\" {x, y} \"}",
				"{NULL,\"\",\"1\"}");
	}

}
