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
		return new TableShape(columns, types, forms, List.of(), false, null, 0);
	}

	@Test
	void builtInTypesAreHashedExactlyOthersAsText() {
		TableShape source = shape(List.of("id", "f", "\"Mail\"", "n"), List.of("20", "701", "citext", "1700"),
				Arrays.asList("", "pg_catalog.float8send", null, "pg_catalog.numeric_send"));
		// the target has its columns in another order, and n as another type
		TableShape target = shape(List.of("n", "\"Mail\"", "f", "id"), List.of("20", "citext", "701", "20"),
				Arrays.asList("", null, "pg_catalog.float8send", ""));

		assertThat(TableComparer.rowHash(source, target)).isEqualTo("pg_catalog.hash_record_extended(ROW(id,"
				+ " pg_catalog.float8send(f), pg_catalog.textsend(\"Mail\"::text), pg_catalog.textsend(n::text)), 0)");
	}

	@Test
	void aTableWithoutColumnsHashesTheEmptyRow() {
		TableShape none = shape(List.of(), List.of(), List.of());

		assertThat(TableComparer.rowHash(none, none)).isEqualTo("pg_catalog.hash_record_extended(ROW(), 0)");
	}

}
