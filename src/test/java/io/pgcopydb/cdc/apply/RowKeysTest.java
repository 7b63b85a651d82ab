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

/**
 * Which source transactions several apply sessions may apply side by side: only those
 * sharing no row, no unique value and no table taken whole.
 */
class RowKeysTest {

	/** accounts (id PK, email UNIQUE, n integer). */
	private final RelationShape accountsShape = new RelationShape(1, "public", "accounts", 'd',
			List.of(key("id"), col("email"), col("n")));

	private final RowKeys accounts = new RowKeys(this.accountsShape, table("\"public\".\"accounts\"",
			List.of(List.of("id"), List.of("email")), "id integer", "email text", "n integer"));

	/** items (id PK), no other unique key. */
	private final RowKeys items = new RowKeys(
			new RelationShape(2, "public", "items", 'd', List.of(key("id"), col("n"))),
			table("\"public\".\"items\"", List.of(List.of("id")), "id bigint", "n integer"));

	/** log (n), no unique key. */
	private final RowKeys log = new RowKeys(new RelationShape(3, "public", "log", 'f', List.of(col("n"))),
			table("\"public\".\"log\"", List.of(), "n integer"));

	@Test
	void rowsWithOtherKeysCommuteAndTheSameRowConflicts() {
		ConflictKeys one = keys((k) -> this.items.insert(new ChangeEvent.Insert(2, row("1", "10")), k));
		ConflictKeys two = keys((k) -> this.items.update(new ChangeEvent.Update(2, null, false, row("2", "20")), k));
		ConflictKeys again = keys((k) -> this.items.delete(new ChangeEvent.Delete(2, row("1", null), false), k));

		assertThat(one.conflictsWith(two)).isFalse();
		assertThat(one.conflictsWith(again)).isTrue();
		assertThat(two.conflictsWith(again)).isFalse();
	}

	@Test
	void aUniqueValueFreedByOneTransactionAndTakenByAnotherConflicts() {
		// the old image names every column (REPLICA IDENTITY FULL here): the email is
		// known
		ConflictKeys frees = keys(
				(k) -> this.accounts.delete(new ChangeEvent.Delete(1, row("1", "a@x", "0"), true), k));
		ConflictKeys takes = keys((k) -> this.accounts.insert(new ChangeEvent.Insert(1, row("2", "a@x", "0")), k));
		ConflictKeys other = keys((k) -> this.accounts.insert(new ChangeEvent.Insert(1, row("3", "b@x", "0")), k));

		assertThat(frees.conflictsWith(takes)).isTrue();
		assertThat(frees.conflictsWith(other)).isFalse();
	}

	@Test
	void anOldValueTheSourceDidNotSendTakesTheTableWhole() {
		// a delete by primary key: the row's email is not known, and another transaction
		// may insert it
		ConflictKeys delete = keys(
				(k) -> this.accounts.delete(new ChangeEvent.Delete(1, row("1", null, null), false), k));
		ConflictKeys insert = keys((k) -> this.accounts.insert(new ChangeEvent.Insert(1, row("9", "z@x", "0")), k));
		ConflictKeys elsewhere = keys((k) -> this.items.insert(new ChangeEvent.Insert(2, row("1", "1")), k));
		// an update that keeps its key: the old email is not known either
		ConflictKeys update = keys(
				(k) -> this.accounts.update(new ChangeEvent.Update(1, null, false, row("5", "q@x", "1")), k));

		assertThat(delete.conflictsWith(insert)).isTrue();
		assertThat(update.conflictsWith(insert)).isTrue();
		assertThat(delete.conflictsWith(elsewhere)).isFalse();
	}

	@Test
	void aKeylessTableTakesInsertsSideBySideAndUpdatesWhole() {
		ConflictKeys insert = keys((k) -> this.log.insert(new ChangeEvent.Insert(3, row("1")), k));
		ConflictKeys insertAgain = keys((k) -> this.log.insert(new ChangeEvent.Insert(3, row("1")), k));
		ConflictKeys delete = keys((k) -> this.log.delete(new ChangeEvent.Delete(3, row("1"), true), k));

		assertThat(insert.conflictsWith(insertAgain)).isFalse();
		assertThat(delete.conflictsWith(insert)).isTrue();
	}

	@Test
	void keysWhoseTextIsNotOneValueOrNotSentTakeTheTableWhole() {
		// numeric 1.0 and 1.00 are one value in a unique index
		RowKeys numeric = new RowKeys(new RelationShape(4, "public", "prices", 'd', List.of(key("p"))),
				table("\"public\".\"prices\"", List.of(List.of("p")), "p numeric"));
		ConflictKeys a = keys((k) -> numeric.insert(new ChangeEvent.Insert(4, row("1.0")), k));
		ConflictKeys b = keys((k) -> numeric.insert(new ChangeEvent.Insert(4, row("1.00")), k));
		assertThat(a.conflictsWith(b)).isTrue();
		// an expression index, predicate or nondeterministic collation: an empty key
		RowKeys opaque = new RowKeys(new RelationShape(5, "public", "users", 'd', List.of(key("id"), col("name"))),
				table("\"public\".\"users\"", List.of(List.of("id"), List.of()), "id integer", "name text"));
		ConflictKeys c = keys((k) -> opaque.insert(new ChangeEvent.Insert(5, row("1", "A")), k));
		ConflictKeys d = keys((k) -> opaque.insert(new ChangeEvent.Insert(5, row("2", "a")), k));
		assertThat(c.conflictsWith(d)).isTrue();
		// a TOASTed key value not sent
		ConflictKeys toasted = keys((k) -> this.accounts.update(new ChangeEvent.Update(1, row("1", "a@x", "0"), true,
				Arrays.asList(Value.text("1"), Value.UNCHANGED, Value.text("1"))), k));
		ConflictKeys unrelated = keys((k) -> this.accounts.insert(new ChangeEvent.Insert(1, row("7", "z@x", "0")), k));
		assertThat(toasted.conflictsWith(unrelated)).isTrue();
		// the same update with the value sent claims its rows only
		ConflictKeys sent = keys((k) -> this.accounts
			.update(new ChangeEvent.Update(1, row("1", "a@x", "0"), true, row("1", "b@x", "1")), k));
		assertThat(sent.conflictsWith(unrelated)).isFalse();
	}

	@Test
	void aTableWithATriggerFiringDuringApplyMakesEachChangeABarrier() {
		TargetTable triggered = new TargetTable("\"public\".\"audited\"", false,
				Map.of("id", new TargetTable.Column("id", "integer", false, false, true)), List.of(List.of("id")),
				true);
		RowKeys audited = new RowKeys(new RelationShape(6, "public", "audited", 'd', List.of(key("id"))), triggered);
		ConflictKeys change = keys((k) -> audited.insert(new ChangeEvent.Insert(6, row("1")), k));
		ConflictKeys elsewhere = keys((k) -> this.items.insert(new ChangeEvent.Insert(2, row("1", "1")), k));

		assertThat(change.isBarrier()).isTrue();
		assertThat(change.conflictsWith(elsewhere)).isTrue();
	}

	@Test
	void aBarrierConflictsWithAnyWorkButNotWithNone() {
		ConflictKeys truncate = new ConflictKeys();
		truncate.barrier();
		ConflictKeys insert = keys((k) -> this.items.insert(new ChangeEvent.Insert(2, row("1", "10")), k));

		assertThat(truncate.conflictsWith(insert)).isTrue();
		assertThat(insert.conflictsWith(truncate)).isTrue();
		assertThat(truncate.conflictsWith(new ConflictKeys())).isFalse();
	}

	private static ConflictKeys keys(java.util.function.Consumer<ConflictKeys> changes) {
		ConflictKeys keys = new ConflictKeys();
		changes.accept(keys);
		return keys;
	}

	/** A target table of {@code columns}, each "name type". */
	private static TargetTable table(String name, List<List<String>> uniqueKeys, String... columns) {
		Map<String, TargetTable.Column> byName = new LinkedHashMap<>();
		for (String column : columns) {
			String[] parts = column.split(" ", 2);
			byName.put(parts[0], new TargetTable.Column(parts[0], parts[1], false, false, true));
		}
		return new TargetTable(name, false, byName, uniqueKeys);
	}

	private static List<Value> row(String... texts) {
		return Arrays.stream(texts).map((text) -> (text != null) ? Value.text(text) : Value.NULL).toList();
	}

	private static RelationShape.Column key(String name) {
		return new RelationShape.Column(name, 0, null, true);
	}

	private static RelationShape.Column col(String name) {
		return new RelationShape.Column(name, 0, null, false);
	}

}
