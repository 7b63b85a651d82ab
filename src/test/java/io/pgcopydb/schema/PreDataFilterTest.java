package io.pgcopydb.schema;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which pre-data entries a clone restores, as far as extensions and collations go. */
class PreDataFilterTest {

	private static TocEntry entry(String desc, String schema, String name) {
		return entry(desc, schema, name, null);
	}

	private static TocEntry entry(String desc, String schema, String name, String owner) {
		return new TocEntry(1, 0, 0, desc, schema, name, owner, "1; 0 0 " + desc + " " + name);
	}

	@Test
	void extensionsTheTargetHasAreNotCreatedAgainNorTheirSchemas() {
		PreDataFilter filter = new PreDataFilter(true, true, true, Set.of("pg_partman"), Set.of("partman"),
				Map.of("partman", "postgres"), false);

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
		PreDataFilter skipping = new PreDataFilter(false, true, false, Set.of(), Set.of(), Map.of(), false);
		PreDataFilter noExtensionComments = new PreDataFilter(true, false, true, Set.of(), Set.of(), Map.of(), false);

		assertThat(skipping.test(entry("EXTENSION", null, "pg_trgm"))).isFalse();
		assertThat(skipping.test(entry("COMMENT", null, "EXTENSION pg_trgm"))).isFalse();
		assertThat(skipping.test(entry("COLLATION", "public", "german"))).isFalse();
		assertThat(skipping.test(entry("COMMENT", "public", "COLLATION german"))).isFalse();
		assertThat(skipping.test(entry("COMMENT", "public", "TABLE t"))).isTrue();
		assertThat(noExtensionComments.test(entry("EXTENSION", null, "pg_trgm"))).isTrue();
		assertThat(noExtensionComments.test(entry("COMMENT", null, "EXTENSION pg_trgm"))).isFalse();
		assertThat(PreDataFilter.ALL.test(entry("COLLATION", "public", "german"))).isTrue();
	}

	@Test
	void theFiltersExtensionSectionsDecideEachExtensionAndItsComment() {
		PreDataFilter filter = new PreDataFilter((name) -> !"postgis".equals(name), true, true, Set.of(), Set.of(),
				Map.of(), false);

		assertThat(filter.test(entry("EXTENSION", null, "postgis"))).isFalse();
		assertThat(filter.test(entry("COMMENT", null, "EXTENSION postgis"))).isFalse();
		assertThat(filter.test(entry("EXTENSION", null, "pg_trgm"))).isTrue();
		assertThat(filter.test(entry("COMMENT", null, "EXTENSION pg_trgm"))).isTrue();
		assertThat(PreDataFilter.extensionOf(entry("COMMENT", null, "EXTENSION postgis"))).isEqualTo("postgis");
		assertThat(PreDataFilter.extensionOf(entry("EXTENSION", null, "pg_trgm"))).isEqualTo("pg_trgm");
		assertThat(PreDataFilter.extensionOf(entry("COMMENT", "public", "TABLE t"))).isNull();
	}

	@Test
	void aSchemaTheTargetHasWithTheSameOwnerIsPresentAnotherOwnerIsNot() {
		PreDataFilter filter = new PreDataFilter(true, true, true, Set.of(), Set.of(),
				Map.of("app", "app_owner", "reports", "someone_else"), false);
		PreDataFilter noOwner = new PreDataFilter(true, true, true, Set.of(), Set.of(),
				Map.of("reports", "someone_else"), true);

		assertThat(filter.test(entry("SCHEMA", null, "app", "app_owner"))).isFalse();
		assertThat(filter.test(entry("SCHEMA", null, "reports", "app_owner"))).as("not identical: restored, fails")
			.isTrue();
		assertThat(filter.test(entry("SCHEMA", null, "fresh", "app_owner"))).isTrue();
		assertThat(noOwner.test(entry("SCHEMA", null, "reports", "app_owner"))).isFalse();
	}

}
