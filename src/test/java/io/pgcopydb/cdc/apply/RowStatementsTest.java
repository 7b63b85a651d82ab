package io.pgcopydb.cdc.apply;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.error.BadStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowStatementsTest {

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

	private static TargetTable table(boolean partitioned, TargetTable.Column... columns) {
		Map<String, TargetTable.Column> byName = new LinkedHashMap<>();
		for (TargetTable.Column column : columns) {
			byName.put(column.name(), column);
		}
		return new TargetTable(T, partitioned, byName, List.of());
	}

	private static TargetTable.Column plain(String name, String type) {
		return new TargetTable.Column(name, type, false, false, true);
	}

	@Test
	void insertNamesColumnsByNameAndLeavesGeneratedOnesOut() {
		TargetTable table = table(false, new TargetTable.Column("g", "integer", true, false, true), plain("b", "text"),
				plain("a", "integer"));
		RowStatements statements = new RowStatements(shape('d', key("a"), col("b"), col("g")), table);
		BoundStatement insert = statements.insert(new ChangeEvent.Insert(1, row(v("1"), Value.NULL, v("9"))));
		assertThat(insert.sql()).isEqualTo("INSERT INTO " + T + " (\"a\", \"b\") VALUES (?, ?)");
		assertThat(insert.parameters()).containsExactly("1", null);
	}

	@Test
	void insertIntoIdentityAlwaysOverridesSystemValue() {
		TargetTable table = table(false, new TargetTable.Column("id", "bigint", false, true, true), plain("b", "text"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("b")), table);
		assertThat(statements.insert(new ChangeEvent.Insert(1, row(v("7"), v("x")))).sql())
			.isEqualTo("INSERT INTO " + T + " (\"id\", \"b\") OVERRIDING SYSTEM VALUE VALUES (?, ?)");
	}

	@Test
	void updateSetsOnlySentValuesAndFindsTheRowByItsKey() {
		TargetTable table = table(false, plain("id", "integer"), plain("big", "text"), plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("big"), col("n")), table);
		BoundStatement update = statements
			.update(new ChangeEvent.Update(1, null, false, row(v("5"), Value.UNCHANGED, v("2"))));
		assertThat(update.sql()).isEqualTo("UPDATE ONLY " + T + " SET \"n\" = ? WHERE \"id\" = ?");
		assertThat(update.parameters()).containsExactly("2", "5");
	}

	@Test
	void updateThatChangesTheKeyFindsTheRowByTheOldKey() {
		TargetTable table = table(false, plain("id", "integer"), plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("n")), table);
		BoundStatement update = statements
			.update(new ChangeEvent.Update(1, row(v("5"), Value.NULL), false, row(v("6"), v("2"))));
		assertThat(update.sql()).isEqualTo("UPDATE ONLY " + T + " SET \"id\" = ?, \"n\" = ? WHERE \"id\" = ?");
		assertThat(update.parameters()).containsExactly("6", "2", "5");
	}

	@Test
	void updateOfNothingButUnchangedToastWritesNothing() {
		TargetTable table = table(false, plain("id", "integer"), plain("big", "text"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("big")), table);
		assertThat(statements.update(new ChangeEvent.Update(1, null, false, row(v("5"), Value.UNCHANGED)))).isNull();
	}

	@Test
	void identityAlwaysKeyChangeBecomesDeleteAndInsertKeepingUnsentValues() {
		TargetTable table = table(false, new TargetTable.Column("id", "bigint", false, true, true),
				plain("big", "text"), plain("n", "integer"), plain("extra", "text"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("big"), col("n")), table);
		BoundStatement update = statements.update(new ChangeEvent.Update(1, row(v("5"), Value.NULL, Value.NULL), false,
				row(v("6"), Value.UNCHANGED, v("2"))));
		assertThat(update.sql())
			.isEqualTo("WITH pgcopydb_deleted AS (DELETE FROM ONLY " + T + " WHERE \"id\" = ? RETURNING *) INSERT INTO "
					+ T + " (\"id\", \"big\", \"n\", \"extra\") OVERRIDING SYSTEM VALUE SELECT ?::bigint,"
					+ " pgcopydb_deleted.\"big\", ?::integer, pgcopydb_deleted.\"extra\" FROM pgcopydb_deleted");
		assertThat(update.parameters()).containsExactly("5", "6", "2");
	}

	@Test
	void identityAlwaysKeyThatStaysIsNeverSet() {
		TargetTable table = table(false, new TargetTable.Column("id", "bigint", false, true, true),
				plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("n")), table);
		assertThat(statements.update(new ChangeEvent.Update(1, null, false, row(v("6"), v("2")))).sql())
			.isEqualTo("UPDATE ONLY " + T + " SET \"n\" = ? WHERE \"id\" = ?");
		assertThat(statements.update(new ChangeEvent.Update(1, row(v("6"), v("1")), true, row(v("6"), v("2")))).sql())
			.doesNotContain("SET \"id\"")
			.startsWith("UPDATE ONLY " + T + " SET \"n\" = ?");
	}

	@Test
	void replicaIdentityFullTouchesOneRowAndComparesTypesWithoutEqualityAsText() {
		TargetTable table = table(false, plain("a", "integer"),
				new TargetTable.Column("j", "json", false, false, false), plain("c", "text"));
		RowStatements statements = new RowStatements(shape('f', col("a"), col("j"), col("c")), table);
		BoundStatement delete = statements
			.delete(new ChangeEvent.Delete(1, row(v("1"), v("{\"k\": 1}"), Value.NULL), true));
		assertThat(delete.sql()).isEqualTo("DELETE FROM ONLY " + T + " WHERE ctid = (SELECT ctid FROM ONLY " + T
				+ " WHERE \"a\" = ? AND \"j\"::text = (?::json)::text AND \"c\" IS NULL LIMIT 1)");
		assertThat(delete.parameters()).containsExactly("1", "{\"k\": 1}");
	}

	@Test
	void replicaIdentityFullOnAPartitionedTargetNamesTheRowByTableoidAndCtid() {
		TargetTable table = table(true, plain("a", "integer"));
		RowStatements statements = new RowStatements(shape('f', col("a")), table);
		assertThat(statements.update(new ChangeEvent.Update(1, row(v("1")), true, row(v("2")))).sql())
			.isEqualTo("UPDATE " + T + " SET \"a\" = ? WHERE (tableoid, ctid) = (SELECT tableoid, ctid FROM " + T
					+ " WHERE \"a\" = ? LIMIT 1)");
	}

	@Test
	void deleteByKeyIgnoresTheNonKeyNulls() {
		TargetTable table = table(false, plain("id", "integer"), plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('d', key("id"), col("n")), table);
		BoundStatement delete = statements.delete(new ChangeEvent.Delete(1, row(v("3"), Value.NULL), false));
		assertThat(delete.sql()).isEqualTo("DELETE FROM ONLY " + T + " WHERE \"id\" = ?");
		assertThat(delete.parameters()).containsExactly("3");
	}

	@Test
	void aChangeWithoutKeyIsRefusedWithTheRemedy() {
		TargetTable table = table(false, plain("n", "integer"));
		RowStatements statements = new RowStatements(shape('n', col("n")), table);
		assertThatThrownBy(() -> statements.delete(new ChangeEvent.Delete(1, row(v("3")), false)))
			.isInstanceOf(BadStateException.class)
			.hasMessageContaining(T)
			.hasMessageContaining("REPLICA IDENTITY FULL");
	}

	@Test
	void truncateKeepsTheSourceFlagsAndNeverUsesOnlyOnAPartitionedTable() {
		TargetTable plainTable = table(false, plain("a", "integer"));
		TargetTable partitioned = new TargetTable("\"public\".\"p\"", true, Map.of(), List.of());
		assertThat(RowStatements.truncate(List.of(plainTable, partitioned), true, true).sql())
			.isEqualTo("TRUNCATE ONLY " + T + ", \"public\".\"p\" RESTART IDENTITY CASCADE");
		assertThat(RowStatements.truncate(List.of(partitioned), false, false).sql())
			.isEqualTo("TRUNCATE \"public\".\"p\"");
	}

}
