package io.pgcopydb.cdc.apply;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.Lsn;

import static org.assertj.core.api.Assertions.assertThat;

class PendingRowsTest {

	private static final String SET_N = "UPDATE t SET n = ? WHERE id = ?";

	private static PendingRows.Row row(String sql, String rowKey, String... parameters) {
		return new PendingRows.Row(new BoundStatement(sql, List.of(parameters), rowKey), 1, Lsn.INVALID);
	}

	@Test
	void aLaterUpdateOfTheSameRowAndColumnsReplacesTheEarlierOne() {
		PendingRows pending = new PendingRows();
		pending.add("t", row(SET_N, "1", "10", "1"));
		pending.add("t", row(SET_N, "2", "20", "2"));
		pending.add("t", row(SET_N, "1", "11", "1"));

		assertThat(pending.drain().get("t")).extracting((r) -> r.statement().parameters())
			.containsExactly(List.of("11", "1"), List.of("20", "2"));
		assertThat(pending.compacted()).isEqualTo(1);
	}

	@Test
	void updatesOfOtherColumnsStaySoThatAnEarlierNewToastValueIsKept() {
		PendingRows pending = new PendingRows();
		pending.add("t", row("UPDATE t SET big = ?, n = ? WHERE id = ?", "1", "new big", "10", "1"));
		pending.add("t", row(SET_N, "1", "11", "1"));

		assertThat(pending.drain().get("t")).hasSize(2);
	}

	@Test
	void anyOtherStatementOfTheTableEndsCompactionBeforeIt() {
		PendingRows pending = new PendingRows();
		pending.add("t", row(SET_N, "1", "10", "1"));
		pending.add("t", row("DELETE FROM t WHERE id = ?", null, "1"));
		pending.add("t", row("INSERT INTO t VALUES (?, ?)", null, "1", "0"));
		pending.add("t", row(SET_N, "1", "11", "1"));

		assertThat(pending.drain().get("t")).extracting((r) -> r.statement().sql())
			.containsExactly(SET_N, "DELETE FROM t WHERE id = ?", "INSERT INTO t VALUES (?, ?)", SET_N);
	}

}
