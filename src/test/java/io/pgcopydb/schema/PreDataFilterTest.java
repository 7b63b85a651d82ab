package io.pgcopydb.schema;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which pre-data entries a clone restores, as far as extensions and collations go. */
class PreDataFilterTest {

	private static TocEntry entry(String desc, String schema, String name) {
		return new TocEntry(1, 0, 0, desc, schema, name, null, "1; 0 0 " + desc + " " + name);
	}

	@Test
	void extensionsTheTargetHasAreNotCreatedAgainNorTheirSchemas() {
		PreDataFilter filter = new PreDataFilter(true, true, true, Set.of("pg_partman"), Set.of("partman"));

		assertThat(filter.test(entry("EXTENSION", null, "pg_partman"))).isFalse();
		assertThat(filter.test(entry("COMMENT", null, "EXTENSION pg_partman"))).isFalse();
		assertThat(filter.test(entry("SCHEMA", null, "partman"))).isFalse();
		assertThat(filter.test(entry("EXTENSION", null, "pg_trgm"))).isTrue();
		assertThat(filter.test(entry("COMMENT", null, "EXTENSION pg_trgm"))).isTrue();
		assertThat(filter.test(entry("SCHEMA", null, "app"))).isTrue();
		assertThat(filter.test(entry("TABLE", "partman", "mine"))).isTrue();
	}

	@Test
	void skipOptionsLeaveTheirEntriesOut() {
		PreDataFilter skipping = new PreDataFilter(false, true, false, Set.of(), Set.of());
		PreDataFilter noExtensionComments = new PreDataFilter(true, false, true, Set.of(), Set.of());

		assertThat(skipping.test(entry("EXTENSION", null, "pg_trgm"))).isFalse();
		assertThat(skipping.test(entry("COMMENT", null, "EXTENSION pg_trgm"))).isFalse();
		assertThat(skipping.test(entry("COLLATION", "public", "german"))).isFalse();
		assertThat(skipping.test(entry("COMMENT", "public", "COLLATION german"))).isFalse();
		assertThat(skipping.test(entry("COMMENT", "public", "TABLE t"))).isTrue();
		assertThat(noExtensionComments.test(entry("EXTENSION", null, "pg_trgm"))).isTrue();
		assertThat(noExtensionComments.test(entry("COMMENT", null, "EXTENSION pg_trgm"))).isFalse();
		assertThat(PreDataFilter.ALL.test(entry("COLLATION", "public", "german"))).isTrue();
	}

}
