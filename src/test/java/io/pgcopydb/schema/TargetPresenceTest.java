package io.pgcopydb.schema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.catalog.SchemaObjects.CatalogObject;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.schema.TargetPresence.Verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archive entries (lines of {@code pg_restore --list} of a PostgreSQL 15 archive) looked
 * up on a target (rows as list_schema_objects.sql returns them): which are absent, the
 * run's own, identical, or clash.
 */
class TargetPresenceTest {

	private static final List<CatalogObject> TARGET = List.of(new CatalogObject("VIEW", "public", "film_list", null),
			new CatalogObject("TABLE", "public", "same", "id integer\nv text"),
			new CatalogObject("TABLE", "public", "other_columns", "id integer\nnote text"),
			new CatalogObject("TABLE", "s1", "my table", "id integer\nm s1.mood"),
			new CatalogObject("TABLE", "public", "idx_name_taken", "x integer"),
			new CatalogObject("CONSTRAINT", "s1", "my table my table_pkey", null),
			new CatalogObject("FK CONSTRAINT", "s1", "ref ref_id_fkey", null),
			new CatalogObject("FUNCTION", "s1", "f(integer, text, s1.mood)", null),
			new CatalogObject("SHELL TYPE", "s1", "shell", null), new CatalogObject("SCHEMA", null, "s1", "postgres"),
			new CatalogObject("TRIGGER", "s1", "my table tr", null),
			new CatalogObject("CAST", null, "CAST (s1.mood AS text)", null));

	private final TargetPresence presence = new TargetPresence(TARGET, false);

	private static TocEntry entry(String line) {
		return ArchiveToc.parseEntry(line).orElseThrow();
	}

	private Verdict verdict(String line, boolean ours) {
		return this.presence.decide(EntrySelection.wanted(entry(line), Map.of()), ours).verdict();
	}

	@Test
	void entriesAreMappedToTheTargetsIdentityByTheirTag() {
		assertThat(verdict("3272; 2606 16403 CONSTRAINT s1 my table my table_pkey postgres", false))
			.isEqualTo(Verdict.IDENTICAL);
		assertThat(verdict("3280; 2606 16409 FK CONSTRAINT s1 ref ref_id_fkey postgres", true)).isEqualTo(Verdict.OURS);
		assertThat(verdict("3281; 2620 16433 TRIGGER s1 my table tr postgres", false)).isEqualTo(Verdict.IDENTICAL);
		assertThat(verdict("226; 1255 16426 FUNCTION s1 f(integer, text, s1.mood) postgres", false))
			.isEqualTo(Verdict.IDENTICAL);
		assertThat(verdict("227; 1255 16427 FUNCTION s1 f() postgres", false)).isEqualTo(Verdict.ABSENT);
		assertThat(verdict("3264; 2605 16445 CAST - CAST (s1.mood AS text) ", false)).isEqualTo(Verdict.IDENTICAL);
		assertThat(verdict("3281; 2620 16433 TRIGGER s1 my table other postgres", false)).isEqualTo(Verdict.ABSENT);
	}

	@Test
	void reRunnableEntriesCreateNothingNamed() {
		assertThat(TargetPresence.creates("COMMENT")).isFalse();
		assertThat(TargetPresence.creates("ACL")).isFalse();
		assertThat(TargetPresence.creates("DEFAULT")).isFalse();
		assertThat(TargetPresence.creates("SEQUENCE OWNED BY")).isFalse();
		assertThat(TargetPresence.creates("MATERIALIZED VIEW DATA")).isFalse();
		assertThat(TargetPresence.creates("TABLE")).isTrue();
		assertThat(TargetPresence.creates("INDEX ATTACH")).isTrue();
	}

	@Test
	void anotherKindClashesEvenWhenTheRecordNamesTheEntry() {
		TargetPresence.Decision view = this.presence
			.decide(EntrySelection.wanted(entry("218; 1259 16415 TABLE public film_list postgres"), Map.of()), true);
		assertThat(view.verdict()).isEqualTo(Verdict.CLASH);
		assertThat(view.clash()).isEqualTo("the target already has view public.film_list where the source has a table");
		assertThat(verdict("3275; 1259 16414 INDEX public idx_name_taken postgres", false)).isEqualTo(Verdict.CLASH);
		assertThat(verdict("3275; 1259 16414 SEQUENCE public same postgres", false)).isEqualTo(Verdict.CLASH);
	}

	@Test
	void aTableIsComparedByItsColumnsTypesUnqualified() {
		Map<QualifiedName, String> columns = Map.of(new QualifiedName("public", "same"), "id integer\nv text",
				new QualifiedName("public", "other_columns"), "id integer\nv text", new QualifiedName("s1", "my table"),
				"m mood\nid integer");
		assertThat(this.presence
			.decide(EntrySelection.wanted(entry("1; 1259 1 TABLE public same postgres"), columns), false)
			.verdict()).isEqualTo(Verdict.IDENTICAL);
		assertThat(this.presence
			.decide(EntrySelection.wanted(entry("1; 1259 1 TABLE s1 my table postgres"), columns), false)
			.verdict()).isEqualTo(Verdict.IDENTICAL);
		TargetPresence.Decision other = this.presence
			.decide(EntrySelection.wanted(entry("1; 1259 1 TABLE public other_columns postgres"), columns), false);
		assertThat(other.verdict()).isEqualTo(Verdict.CLASH);
		assertThat(other.clash()).contains("table public.other_columns", "target only: note text",
				"source only: v text");
		assertThat(this.presence
			.decide(EntrySelection.wanted(entry("1; 1259 1 TABLE public other_columns postgres"), columns), true)
			.verdict()).as("a DBA's edit of the run's own table").isEqualTo(Verdict.OURS);
	}

	@Test
	void aSchemaOfAnotherOwnerClashesUnlessNoOwner() {
		TocEntry schema = entry("6; 2615 16385 SCHEMA - s1 alice");
		assertThat(this.presence.decide(EntrySelection.wanted(schema, Map.of()), false).clash())
			.contains("schema s1 owned by postgres", "owned by alice", "--no-owner");
		assertThat(new TargetPresence(TARGET, true).decide(EntrySelection.wanted(schema, Map.of()), false).verdict())
			.isEqualTo(Verdict.IDENTICAL);
	}

	/**
	 * A fresh clone compares the source's catalog with the target's: a view or function
	 * of the source's name with another body is someone else's, not the source's.
	 */
	@Test
	void aViewOrFunctionWithAnotherDefinitionClashes() {
		TargetPresence presence = new TargetPresence(List.of(new CatalogObject("VIEW", "public", "v", "definition aaa"),
				new CatalogObject("FUNCTION", "public", "f(integer)", "definition bbb")), false);
		assertThat(presence.decide(new CatalogObject("VIEW", "public", "v", "definition ccc"), false).clash())
			.contains("view public.v", "another definition");
		assertThat(presence.decide(new CatalogObject("VIEW", "public", "v", "definition aaa"), false).verdict())
			.isEqualTo(Verdict.IDENTICAL);
		assertThat(presence.decide(new CatalogObject("FUNCTION", "public", "f(integer)", "definition ccc"), false)
			.verdict()).isEqualTo(Verdict.CLASH);
		assertThat(presence.decide(new CatalogObject("FUNCTION", "public", "f(integer)", "definition ccc"), true)
			.verdict()).as("the run's own, edited by a DBA").isEqualTo(Verdict.OURS);
	}

	@Test
	void aShellTypeIsCompletedByItsType() {
		assertThat(verdict("891; 0 0 SHELL TYPE s1 shell postgres", false)).isEqualTo(Verdict.IDENTICAL);
		assertThat(verdict("890; 1247 16478 TYPE s1 shell postgres", false)).isEqualTo(Verdict.ABSENT);
	}

	@Test
	void selectionRestoresWhatIsMissingAndReRunnableEntries() {
		List<TocEntry> entries = List.of(entry("216; 1259 16397 TABLE public same postgres"),
				entry("217; 1259 16404 TABLE public missing postgres"),
				entry("3449; 0 0 COMMENT public TABLE same postgres"),
				entry("3272; 2606 16403 CONSTRAINT s1 my table my table_pkey postgres"));
		EntrySelection selection = EntrySelection.select("Test", entries, (e) -> true, this.presence, Set.of(3272),
				Map.of());
		assertThat(entries.stream().filter(selection::restores).map(TocEntry::dumpId)).containsExactly(217, 3449);
		assertThat(selection.created()).containsExactly(217);
		assertThat(selection.present()).isEqualTo(2);
		assertThat(selection.clashes()).isEmpty();
	}

	@Test
	void clashesAreRefusedWithTheObjectAndTheRemedy() {
		List<String> clashes = new ArrayList<>(
				List.of("the target already has view public.a where the source has a table",
						"the target already has view public.b where the source has a table"));
		assertThatThrownBy(() -> EntrySelection.refuseClashes(clashes, "run the command again"))
			.isInstanceOf(BadStateException.class)
			.hasMessageStartingWith("the target already has view public.a where the source has a table: drop or rename"
					+ " it on the target, or clone into another database, then run the command again (1 more: ")
			.hasMessageNotContaining("\n");
	}

	@Test
	void theRecordKeepsWhatItHadAndIsPrivate(@TempDir Path dir) throws Exception {
		WorkDirectory work = new WorkDirectory(dir).create();
		RestoreRecord.add(work, work.preDataRecord(), List.of(3, 1));
		RestoreRecord.add(work, work.preDataRecord(), List.of(2));
		assertThat(RestoreRecord.read(work.preDataRecord())).containsExactly(1, 2, 3);
		assertThat(java.nio.file.Files.getPosixFilePermissions(work.preDataRecord()))
			.isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		RestoreRecord.clear(work);
		assertThat(RestoreRecord.read(work.preDataRecord())).isEmpty();
	}

}
