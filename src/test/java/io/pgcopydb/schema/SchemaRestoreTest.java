package io.pgcopydb.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which post-data archive entries the restore skips because the job built them: entries
 * taken from {@code pg_restore --list} output of a PostgreSQL 15 archive.
 */
class SchemaRestoreTest {

	private static final Set<Long> BUILT_INDEXES = Set.of(16522L, 16505L, 16489L);

	private static final Set<Long> BUILT_CONSTRAINTS = Set.of(16499L, 16511L);

	@Test
	void indexTheJobBuiltIsSkipped() {
		assertThat(isBuilt("3298; 1259 16522 INDEX app city_count_n postgres")).isTrue();
	}

	@Test
	void indexTheJobDidNotBuildIsRestored() {
		assertThat(isBuilt("3299; 1259 16537 INDEX app event_at postgres")).isFalse();
	}

	@Test
	void constraintTheJobBuiltIsSkipped() {
		assertThat(isBuilt("3293; 2606 16499 CONSTRAINT app address address_pkey postgres")).isTrue();
		assertThat(isBuilt("3297; 2606 16511 CONSTRAINT app my table my table pkey postgres")).isTrue();
	}

	@Test
	void constraintTheJobDidNotBuildIsRestored() {
		assertThat(isBuilt("3304; 2606 16536 CONSTRAINT app event_2020 event_2020_pkey postgres")).isFalse();
	}

	@Test
	void oidsAreMatchedWithinTheirOwnCatalog() {
		// 16489 is a built index's OID, not a built constraint's: pg_class and
		// pg_constraint OIDs are allocated apart and may coincide.
		assertThat(isBuilt("3291; 2606 16489 CONSTRAINT app city city_pkey postgres")).isFalse();
		assertThat(isBuilt("3292; 1259 16499 INDEX app address_idx postgres")).isFalse();
	}

	@Test
	void foreignKeysAreAlwaysRestored() {
		assertThat(isBuilt("3308; 2606 16499 FK CONSTRAINT app address address_city_id_fkey postgres")).isFalse();
	}

	@Test
	void indexAttachmentsAreAlwaysRestored() {
		assertThat(isBuilt("3305; 0 0 INDEX ATTACH app event_2020_at_idx postgres")).isFalse();
	}

	@Test
	void commentsOnBuiltObjectsAreRestored() {
		assertThat(isBuilt("3486; 0 0 COMMENT app CONSTRAINT city_pkey ON city postgres")).isFalse();
		assertThat(isBuilt("3487; 0 0 COMMENT app INDEX idx_address_line postgres")).isFalse();
	}

	@Test
	void triggersRulesAndPoliciesAreRestored() {
		assertThat(isBuilt("3309; 2620 16522 TRIGGER app address address_touch postgres")).isFalse();
		assertThat(isBuilt("3452; 2618 16505 RULE app address address_no_delete postgres")).isFalse();
		assertThat(isBuilt("3456; 3256 16511 POLICY app address address_all postgres")).isFalse();
	}

	@Test
	void useListOfARealPostDataArchiveCommentsOutOnlyWhatWasBuilt() throws IOException {
		ArchiveToc toc = ArchiveToc.parse(resource("toc/sample-pg15-post-data.list"));
		String useList = toc
			.useList((entry) -> !SchemaRestore.isBuilt(entry, Set.of(16522L, 16505L), Set.of(16499L, 16511L)));
		List<String> skipped = useList.lines().filter((line) -> line.matches(";\\s*\\d+;.*")).toList();
		assertThat(skipped).containsExactly(";3293; 2606 16499 CONSTRAINT app address address_pkey postgres",
				";3297; 2606 16511 CONSTRAINT app my table my table pkey postgres",
				";3298; 1259 16522 INDEX app city_count_n postgres",
				";3294; 1259 16505 INDEX app idx_address_line postgres");
		assertThat(useList).contains("\n3308; 2606 16500 FK CONSTRAINT app address address_city_id_fkey postgres")
			.contains("\n3487; 0 0 COMMENT app INDEX idx_address_line postgres")
			.contains("\n3305; 0 0 INDEX ATTACH app event_2020_at_idx postgres")
			.contains("\n3309; 2620 16513 TRIGGER app address address_touch postgres");
	}

	@Test
	void entriesOfAPartitionTheTargetNoLongerHasAreLeftOut() throws IOException {
		SourceTable partition = new SourceTable(16530, "app", "event_2020", "", "", true, 0,
				List.of("\"app\".\"event\""), "FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
				List.of("event_2020_at_idx", "event_2020_pkey"));
		SourceTable address = new SourceTable(16490, "app", "address", "", "", true, 0);
		SchemaRestore.Gone gone = SchemaRestore.Gone.of(List.of(partition, address),
				Set.of(new QualifiedName("app", "event"), new QualifiedName("app", "address")));
		ArchiveToc toc = ArchiveToc.parse(resource("toc/sample-pg15-post-data.list"));
		assertThat(toc.entries().stream().filter(gone::owns).map(TocEntry::line)).containsExactly(
				"3304; 2606 16536 CONSTRAINT app event_2020 event_2020_pkey postgres",
				"3302; 1259 16538 INDEX app event_2020_at_idx postgres",
				"3305; 0 0 INDEX ATTACH app event_2020_at_idx postgres",
				"3306; 0 0 INDEX ATTACH app event_2020_pkey postgres");
	}

	@Test
	void aTableWhoseNameStartsAnotherTagKeepsItsEntries() {
		SourceTable gone = new SourceTable(1, "app", "my", "", "", true, 0);
		SchemaRestore.Gone restore = SchemaRestore.Gone.of(List.of(gone), Set.of(new QualifiedName("app", "my table")));
		List<TocEntry> entries = ArchiveToc
			.parse("3297; 2606 16511 CONSTRAINT app my table my table pkey postgres\n"
					+ "3298; 2606 16512 CONSTRAINT app my my_pkey postgres")
			.entries();
		assertThat(entries.stream().filter(restore::owns).map(TocEntry::name)).containsExactly("my my_pkey");
	}

	private static boolean isBuilt(String listLine) {
		List<TocEntry> entries = ArchiveToc.parse(listLine).entries();
		assertThat(entries).as("parsed entries of %s", listLine).hasSize(1);
		return SchemaRestore.isBuilt(entries.get(0), BUILT_INDEXES, BUILT_CONSTRAINTS);
	}

	private static String resource(String name) throws IOException {
		try (InputStream in = SchemaRestoreTest.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as("test resource %s", name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
