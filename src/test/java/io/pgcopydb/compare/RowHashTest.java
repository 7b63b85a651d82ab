package io.pgcopydb.compare;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The row hash {@code compare data} sends to both sides: a type's own hash where it is
 * exact, the send form for other built-in types, text for the others and for a column
 * whose type differs between the sides. (CompareDataIT checks the values it tells apart
 * on real servers.)
 */
class RowHashTest {

	private static TableShape shape(List<String> columns, List<String> types, List<String> forms) {
		return new TableShape(columns, types, forms, List.of(), false, null, 0, false, false);
	}

	@Test
	void exactHashesSendFormsAndText() {
		TableShape source = shape(List.of("id", "f", "\"Mail\"", "n"), List.of("20", "701", "citext", "1700"),
				Arrays.asList("pg_catalog.int8send", "pg_catalog.float8send", null, "pg_catalog.numeric_send"));
		// the target has its columns in another order, and n as another type
		TableShape target = shape(List.of("n", "\"Mail\"", "f", "id"), List.of("20", "citext", "701", "20"),
				Arrays.asList("pg_catalog.int8send", null, "pg_catalog.float8send", "pg_catalog.int8send"));

		assertThat(TableComparer.rowHash(source, target, true))
			.isEqualTo("(COALESCE((pg_catalog.hashint8extended(id, 1)"
					+ " OPERATOR(pg_catalog.#) pg_catalog.hashint4extended((id OPERATOR(pg_catalog.>>) 32)::pg_catalog.int4,"
					+ " -1)), -1000003) OPERATOR(pg_catalog.#) pg_catalog.hash_record_extended(ROW(pg_catalog.float8send(f),"
					+ " pg_catalog.textsend(\"Mail\"::text), pg_catalog.textsend(n::text)), 0))");
	}

	@Test
	void numericAndTimestampsGoByTheirSendFormTextByItsBytesOnlyUnderOneEncoding() {
		TableShape shape = shape(List.of("n", "t", "s"), List.of("1700", "1184", "25"),
				List.of("pg_catalog.numeric_send", "pg_catalog.timestamptz_send", "pg_catalog.textsend"));

		assertThat(TableComparer.rowHash(shape, shape, true)).isEqualTo(
				"(COALESCE(pg_catalog.hashtextextended(s COLLATE pg_catalog.\"C\", 3), -3000009) OPERATOR(pg_catalog.#)"
						+ " pg_catalog.hash_record_extended(ROW(pg_catalog.numeric_send(n),"
						+ " pg_catalog.timestamptz_send(t)), 0))");
		assertThat(TableComparer.rowHash(shape, shape, false)).isEqualTo("(pg_catalog.hash_record_extended(ROW("
				+ "pg_catalog.numeric_send(n), pg_catalog.timestamptz_send(t), pg_catalog.textsend(s)), 0))");
	}

	@Test
	void aTableWithoutColumnsHashesTheEmptyRow() {
		TableShape none = shape(List.of(), List.of(), List.of());

		assertThat(TableComparer.rowHash(none, none, true)).isEqualTo("(pg_catalog.hash_record_extended(ROW(), 0))");
	}

}
