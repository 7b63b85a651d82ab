package io.pgcopydb.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pgcopydb.error.BadConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;

class ArchiveTocTest {

	private static final String HEADER = """
			;
			; Archive created at 2026-11-24 06:07:35 UTC
			;     dbname: pagila
			;
			; Selected TOC Entries:
			;
			""";

	@Test
	void realPg15ListingParsesCompletely() throws IOException {
		String listing = resource("toc/sample-pg15.list");
		ArchiveToc toc = ArchiveToc.parse(listing);
		long entryLines = listing.lines().filter((line) -> !line.isBlank() && !line.startsWith(";")).count();
		assertThat(toc.unparsedLines()).isEmpty();
		assertThat(toc.entries()).hasSize((int) entryLines).hasSizeGreaterThan(50);
		assertThat(toc.entries()).extracting(TocEntry::desc)
			.contains("SCHEMA", "EXTENSION", "TYPE", "DOMAIN", "FUNCTION", "TEXT SEARCH CONFIGURATION", "TABLE",
					"SEQUENCE", "SEQUENCE OWNED BY", "MATERIALIZED VIEW", "VIEW", "TABLE ATTACH", "DEFAULT", "BLOB",
					"TABLE DATA", "SEQUENCE SET", "BLOBS", "CONSTRAINT", "INDEX", "INDEX ATTACH", "STATISTICS", "RULE",
					"TRIGGER", "FK CONSTRAINT", "ROW SECURITY", "POLICY", "PUBLICATION", "PUBLICATION TABLE",
					"DEFAULT ACL", "EVENT TRIGGER", "MATERIALIZED VIEW DATA", "COMMENT", "ACL");
	}

	@Test
	void realPg15PostDataListingParsesCompletely() throws IOException {
		ArchiveToc toc = ArchiveToc.parse(resource("toc/sample-pg15-post-data.list"));
		assertThat(toc.unparsedLines()).isEmpty();
		assertThat(toc.entries()).hasSize(25);
		assertThat(entry(toc, 3297))
			.isEqualTo(new TocEntry(3297, 2606, 16511, "CONSTRAINT", "app", "my table my table pkey", "postgres",
					"3297; 2606 16511 CONSTRAINT app my table my table pkey postgres"));
		assertThat(entry(toc, 3486).name()).isEqualTo("CONSTRAINT city_pkey ON city");
		assertThat(entry(toc, 2121).desc()).isEqualTo("DEFAULT ACL");
		assertThat(entry(toc, 2121).name()).isEqualTo("DEFAULT PRIVILEGES FOR TABLES");
		assertThat(entry(toc, 3458).name()).isEqualTo("pub_city city");
		assertThat(entry(toc, 3284).schema()).isNull();
	}

	/**
	 * A retried restore looks entries up by schema and name: a schema whose name holds a
	 * space must not swallow the table's name.
	 */
	@Test
	void aSchemaWhoseNameHoldsASpaceIsToldFromItsSchemaEntry() {
		ArchiveToc toc = ArchiveToc
			.parse(String.join("\n", "6; 2615 16385 SCHEMA - Sch \"é\" postgres", "7; 2615 16386 SCHEMA - Sch postgres",
					"216; 1259 16397 TABLE Sch \"é\" x.y.tab postgres", "217; 1259 16398 TABLE Sch other postgres",
					"3272; 2606 16403 CONSTRAINT Sch \"é\" x.y.tab x.y.tab_pkey postgres"));

		assertThat(toc.entries()).extracting(TocEntry::schema, TocEntry::name)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(null, "Sch \"é\""),
					org.assertj.core.groups.Tuple.tuple(null, "Sch"),
					org.assertj.core.groups.Tuple.tuple("Sch \"é\"", "x.y.tab"),
					org.assertj.core.groups.Tuple.tuple("Sch", "other"),
					org.assertj.core.groups.Tuple.tuple("Sch \"é\"", "x.y.tab x.y.tab_pkey"));
	}

	@Test
	void entryWithoutOwnerIsToldApartByTheTrailingSpace() throws IOException {
		ArchiveToc toc = ArchiveToc.parse(resource("toc/sample-pg15.list"));
		assertThat(entry(toc, 2)).isEqualTo(
				new TocEntry(2, 3079, 16385, "EXTENSION", null, "pg_trgm", null, "2; 3079 16385 EXTENSION - pg_trgm "));
		assertThat(entry(toc, 3477).name()).isEqualTo("EXTENSION pg_trgm");
		assertThat(entry(toc, 3468).owner()).isNull();
		assertThat(entry(toc, 3464).name()).isEqualTo("my table");
		assertThat(entry(toc, 3464).owner()).isEqualTo("postgres");
	}

	@Test
	void entryTypesOfOtherVersionsParse() {
		List<String> lines = List.of("215; 1259 16386 TABLE public actor postgres",
				"3447; 2606 16600 FK CONSTRAINT public address address_city_id_fkey postgres",
				"3480; 0 0 COMMENT - EXTENSION plpgsql ", "4001; 2613 16999 BLOB - 16999 postgres",
				"4002; 2613 17000 BLOB METADATA - 17000..17003 postgres", "4003; 0 0 BLOBS - 17000..17003 postgres",
				"4004; 0 0 ACL - LARGE OBJECTS 17000..17003 postgres",
				"4005; 0 0 STATISTICS DATA public actor postgres", "4006; 1259 16999 FOREIGN TABLE remote t postgres",
				"4007; 1417 17001 SERVER - films postgres",
				"4008; 1418 17002 USER MAPPING - USER MAPPING postgres SERVER films postgres",
				"4009; 6237 17003 PUBLICATION TABLES IN SCHEMA - pub app postgres",
				"4010; 3600 17004 TEXT SEARCH DICTIONARY public english_stem postgres",
				"4011; 2328 17005 FOREIGN DATA WRAPPER - postgres_fdw postgres",
				"4012; 2606 17006 CHECK CONSTRAINT public posint posint_check postgres",
				"4013; 1247 17007 SHELL TYPE public t postgres", "4014; 6100 17008 SUBSCRIPTION - sub postgres",
				"4015; 0 0 DATABASE PROPERTIES - pagila postgres", "4016; 1262 16384 DATABASE - pagila postgres",
				"4017; 2612 17009 PROCEDURAL LANGUAGE - plperl postgres",
				"4018; 0 0 SECURITY LABEL public TABLE t postgres", "4019; 2601 17010 ACCESS METHOD - heap2 ");
		ArchiveToc toc = ArchiveToc.parse(String.join("\n", lines) + "\n");
		assertThat(toc.unparsedLines()).isEmpty();
		assertThat(toc.entries()).extracting(TocEntry::desc)
			.containsExactly("TABLE", "FK CONSTRAINT", "COMMENT", "BLOB", "BLOB METADATA", "BLOBS", "ACL",
					"STATISTICS DATA", "FOREIGN TABLE", "SERVER", "USER MAPPING", "PUBLICATION TABLES IN SCHEMA",
					"TEXT SEARCH DICTIONARY", "FOREIGN DATA WRAPPER", "CHECK CONSTRAINT", "SHELL TYPE", "SUBSCRIPTION",
					"DATABASE PROPERTIES", "DATABASE", "PROCEDURAL LANGUAGE", "SECURITY LABEL", "ACCESS METHOD");
		assertThat(entry(toc, 3480).name()).isEqualTo("EXTENSION plpgsql");
		assertThat(entry(toc, 3480).owner()).isNull();
		assertThat(entry(toc, 4002).name()).isEqualTo("17000..17003");
		assertThat(entry(toc, 4004).name()).isEqualTo("LARGE OBJECTS 17000..17003");
		assertThat(entry(toc, 4008).name()).isEqualTo("USER MAPPING postgres SERVER films");
		assertThat(entry(toc, 4019).owner()).isNull();
	}

	@Test
	void listingWithTrailingSpacesTrimmedStillParsesEntriesWithoutOwner() {
		ArchiveToc toc = ArchiveToc.parse("3468; 0 0 BLOBS - BLOBS\r\n");
		assertThat(toc.entries()).singleElement().satisfies((entry) -> {
			assertThat(entry.name()).isEqualTo("BLOBS");
			assertThat(entry.owner()).isNull();
			assertThat(entry.line()).isEqualTo("3468; 0 0 BLOBS - BLOBS");
		});
	}

	@Test
	void unknownEntryIsReportedAndNeverFilteredOut() {
		String listing = HEADER + "215; 1259 16386 TABLE public actor postgres\n"
				+ "4000; 0 0 HOLOGRAM PROJECTION public actor postgres\n" + "not an entry at all\n";
		ArchiveToc toc = ArchiveToc.parse(listing);
		assertThat(toc.entries()).extracting(TocEntry::dumpId).containsExactly(215);
		assertThat(toc.unparsedLines()).containsExactly("4000; 0 0 HOLOGRAM PROJECTION public actor postgres",
				"not an entry at all");
		assertThat(toc.useList((entry) -> false)).isEqualTo(HEADER + ";215; 1259 16386 TABLE public actor postgres\n"
				+ "4000; 0 0 HOLOGRAM PROJECTION public actor postgres\n" + "not an entry at all\n");
	}

	@Test
	void useListCommentsOutEntriesNotKeptAndKeepsTheHeader() {
		String listing = HEADER + "215; 1259 16386 TABLE public actor postgres\n"
				+ "3415; 2606 16523 CONSTRAINT public actor actor_pkey postgres\n"
				+ "3500; 1259 16700 INDEX public idx_x postgres\n";
		ArchiveToc toc = ArchiveToc.parse(listing);
		String useList = toc.useList((entry) -> !Set.of("INDEX", "CONSTRAINT").contains(entry.desc()));
		assertThat(useList).isEqualTo(HEADER + "215; 1259 16386 TABLE public actor postgres\n"
				+ ";3415; 2606 16523 CONSTRAINT public actor actor_pkey postgres\n"
				+ ";3500; 1259 16700 INDEX public idx_x postgres\n");
	}

	@Test
	void useListKeepingEverythingReproducesTheListing() throws IOException {
		String listing = resource("toc/sample-pg15.list");
		assertThat(ArchiveToc.parse(listing).useList((entry) -> true)).isEqualTo(listing);
	}

	@Test
	void realPgRestoreHonoursTheUseList(@TempDir Path dir) throws IOException {
		PgTools tools;
		try {
			tools = new PgToolLocator(null, System.getenv()).locate(15);
		}
		catch (BadConfigException ex) {
			throw new TestAbortedException("needs pg_restore 15 or newer on this machine: " + ex.getMessage());
		}
		Path archive = dir.resolve("sample.dump");
		try (InputStream in = getClass().getClassLoader().getResourceAsStream("toc/sample-pg15.dump")) {
			Files.copy(in, archive);
		}
		Path log = dir.resolve("restore.log");
		PgToolRunner runner = new PgToolRunner();
		String pgRestore = tools.pgRestore().path().toString();
		ArchiveToc toc = ArchiveToc
			.parse(runner.output("pg_restore --list", List.of(pgRestore, "--list", archive.toString()), Map.of(), log));
		assertThat(toc.unparsedLines()).isEmpty();
		Path useList = dir.resolve("use.list");
		Files.writeString(useList, toc.useList((entry) -> !Set.of("FK CONSTRAINT", "TABLE DATA").contains(entry.desc())
				&& !"idx_address_line".equals(entry.name())));
		Path script = dir.resolve("restore.sql");
		runner.run("pg_restore script",
				List.of(pgRestore, "--use-list", useList.toString(), "--file", script.toString(), archive.toString()),
				Map.of(), log);
		String sql = Files.readString(script);
		assertThat(sql).contains("CREATE TABLE app.city", "CREATE INDEX idx_address_trgm", "ADD CONSTRAINT city_pkey")
			.doesNotContain("CREATE INDEX idx_address_line", "FOREIGN KEY", "COPY app.city");
		assertThat(Files.readString(log)).doesNotContain("line ignored");
	}

	private static TocEntry entry(ArchiveToc toc, int dumpId) {
		return toc.entries().stream().filter((entry) -> entry.dumpId() == dumpId).findFirst().orElseThrow();
	}

	@Test
	void verboseListingGivesEachEntryTheDumpIdsItDependsOn() throws IOException {
		ArchiveToc pre = ArchiveToc.parse(resource("toc/filtered-pre.list"));
		ArchiveToc post = ArchiveToc.parse(resource("toc/filtered-post.list"));

		assertThat(pre.unparsedLines()).isEmpty();
		assertThat(entry(pre, 214).dependsOn()).isEmpty();
		assertThat(entry(pre, 3378).dependsOn()).containsExactly(214);
		assertThat(entry(pre, 217).dependsOn()).containsExactly(214, 214);
		assertThat(entry(pre, 3214).dependsOn()).containsExactly(216, 215, 216);
		assertThat(entry(post, 3369).dependsOn()).as("a pre-data entry and a section boundary")
			.containsExactly(218, 3372);
		assertThat(entry(post, 3221).dependsOn()).containsExactly(3217);
		assertThat(entry(pre, 3378).objectId()).isNull();
		assertThat(entry(post, 3369).objectId()).isEqualTo(new io.pgcopydb.filter.ObjectId(1259, 16409));
		assertThat(entry(post, 3221).objectId()).isEqualTo(new io.pgcopydb.filter.ObjectId(2606, 16400));
	}

	@Test
	void aDependencyLineBelongsToTheEntryAboveEvenInASpacedSchema() {
		ArchiveToc toc = ArchiveToc.parse(HEADER + """
				10; 2615 16400 SCHEMA - my app postgres
				11; 1259 16401 TABLE my app t postgres
				;\tdepends on: 10
				12; 0 0 COMMENT my app TABLE t postgres
				;\tdepends on: 11
				""");

		assertThat(entry(toc, 11).schema()).isEqualTo("my app");
		assertThat(entry(toc, 11).dependsOn()).containsExactly(10);
		assertThat(entry(toc, 12).dependsOn()).containsExactly(11);
		assertThat(entry(toc, 10).dependsOn()).isEmpty();
	}

	private String resource(String name) throws IOException {
		try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
