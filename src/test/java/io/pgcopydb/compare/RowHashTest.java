package io.pgcopydb.compare;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The row hash {@code compare data} sends to both sides: exact forms for built-in types
 * of the same type on both sides, text for the others.
 */
class RowHashTest {

	private static TableShape shape(List<String> columns, List<String> types, List<String> forms) {
		return new TableShape(columns, types, forms, List.of(), false, null, 0, false);
	}

	@Test
	void builtInTypesAreHashedExactlyOthersAsText() {
		TableShape source = shape(List.of("id", "f", "\"Mail\"", "n"), List.of("20", "701", "citext", "1700"),
				Arrays.asList("", "pg_catalog.float8send", null, "pg_catalog.numeric_send"));
		// the target has its columns in another order, and n as another type
		TableShape target = shape(List.of("n", "\"Mail\"", "f", "id"), List.of("20", "citext", "701", "20"),
				Arrays.asList("", null, "pg_catalog.float8send", ""));

		assertThat(TableComparer.rowHash(source, target))
			.isEqualTo("(COALESCE(pg_catalog.hashint8extended(id, 1), -1000003) OPERATOR(pg_catalog.#)"
					+ " pg_catalog.hash_record_extended(ROW(pg_catalog.float8send(f),"
					+ " pg_catalog.textsend(\"Mail\"::text), pg_catalog.textsend(n::text)), 0))");
	}

	@Test
	void numericIsHashedWithItsScaleAndTimestamptzInUtc() {
		TableShape shape = shape(List.of("n", "t"), List.of("1700", "1184"),
				Arrays.asList("pg_catalog.numeric_send", ""));

		assertThat(TableComparer.rowHash(shape, shape)).isEqualTo("(COALESCE((pg_catalog.hash_numeric_extended(n, 1)"
				+ " OPERATOR(pg_catalog.#) COALESCE(pg_catalog.hashint4extended(pg_catalog.scale(n), 1), 0)), -1000003)"
				+ " OPERATOR(pg_catalog.#) COALESCE(pg_catalog.timestamp_hash_extended(pg_catalog.timezone('UTC', t), 2),"
				+ " -2000006))");
	}

	@Test
	void aTableWithoutColumnsHashesTheEmptyRow() {
		TableShape none = shape(List.of(), List.of(), List.of());

		assertThat(TableComparer.rowHash(none, none)).isEqualTo("(pg_catalog.hash_record_extended(ROW(), 0))");
	}

}
